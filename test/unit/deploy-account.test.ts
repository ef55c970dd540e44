/**
 * `serverless deploy` refuses an account where the stage's organization
 * requests cannot work (issue 12): the plugin asks STS and Organizations what
 * the deploying account is, and the workflows' allowlists decide what the stage needs
 * (shared/workflow/stage-allowlists.ts).
 */
import { guardrailsFor, type Guardrails } from '../../shared/guardrails';
import type { OrganizationsAccessAllowlist } from '../../shared/organizations-access/allowlist';
import { accountRequirements, deployAccountProblem, deployAccountWarning } from '../../shared/workflow/stage-allowlists';

// A CommonJS serverless plugin (plain .js, no types): loaded as serverless loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const DeployAccountCheck = require('../../.serverless_plugins/deploy-account-check.js');

const local = guardrailsFor('local');
const withOrganization = (g: Partial<OrganizationsAccessAllowlist>, shareTargets: string[]): Guardrails => ({
  ...local,
  organizationsAccess: { enable: false, disable: false, ...g },
  serviceCatalog: { portfolios: ['*'], shareTargets },
});

describe('what a stage needs from its account', () => {
  it('Organizations access changes need the management account; node shares the management account or a delegated administrator', () => {
    expect(accountRequirements(withOrganization({ enable: true }, ['123456789012']))).toEqual({
      managementOnly: [expect.stringContaining('Organizations access')],
      managementOrDelegated: [],
      partlyElsewhere: [expect.stringMatching(/organizationNode type ACCOUNT/)],
    });
    expect(accountRequirements(withOrganization({}, ['ou-wk01-*', '123456789012'])).managementOrDelegated).toEqual([expect.stringContaining('ou-wk01-*')]);
    // Any pattern that can match an o-, ou- or r- id counts, however it is spelt (round3 attack: `o*`, `ou*`).
    for (const pattern of ['*', 'o*', 'ou*', 'r-*', '*-workloads']) {
      expect(accountRequirements(withOrganization({}, [pattern])).managementOrDelegated).toHaveLength(1);
    }
    expect(accountRequirements(withOrganization({}, ['123456789012', '4444*']))).toEqual({ managementOnly: [], managementOrDelegated: [], partlyElsewhere: [expect.any(String)] });
    expect(accountRequirements(guardrailsFor('default'))).toEqual({ managementOnly: [], managementOrDelegated: [], partlyElsewhere: [] });
  });

  it('warns, without refusing, that shares to an account as an organization node will fail from a member account', () => {
    const accountsOnly = withOrganization({}, ['444455556666']);
    expect(deployAccountWarning(accountsOnly, { accountId: '222233334444', managementAccountId: '111122223333', delegatedAdministrator: false })).toMatch(/organizationNode type ACCOUNT/);
    expect(deployAccountWarning(accountsOnly, { accountId: '111122223333', managementAccountId: '111122223333', delegatedAdministrator: false })).toBeUndefined();
    expect(deployAccountWarning(withOrganization({}, []), { accountId: '222233334444', managementAccountId: '111122223333', delegatedAdministrator: false })).toBeUndefined();
  });

  const member = { accountId: '222233334444', managementAccountId: '111122223333', delegatedAdministrator: false };

  it.each([
    ['management account, everything', withOrganization({ enable: true }, ['ou-*']), { ...member, accountId: '111122223333' }, undefined],
    ['delegated administrator, node shares', withOrganization({}, ['ou-*']), { ...member, delegatedAdministrator: true }, undefined],
    ['delegated administrator, access changes', withOrganization({ disable: true }, []), { ...member, delegatedAdministrator: true }, /only from the organization's management account;/],
    ['member account, node shares', withOrganization({}, ['r-ab12']), member, /management account or a Service Catalog delegated administrator.*222233334444.*111122223333/],
    ['no organization at all', withOrganization({}, ['ou-*']), { accountId: '222233334444', delegatedAdministrator: false }, /belongs to no AWS Organization/],
    ['member account, account shares only', withOrganization({}, ['444455556666']), member, undefined],
  ])('%s', (_name, g, facts, expected) => {
    const problem = deployAccountProblem('prod', g, facts);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});

describe('the deploy plugin', () => {
  class ServerlessError extends Error {}
  const serverless = (stage: string, answers: Record<string, unknown>) => ({
    classes: { Error: ServerlessError },
    getProvider: () => ({
      getStage: () => stage,
      request: async (service: string, method: string) => {
        const answer = answers[`${service}.${method}`];
        if (answer instanceof Error) throw answer;
        return answer;
      },
    }),
  });
  const notInUse = Object.assign(new Error('Your account is not a member of an organization.'), { code: 'AWSOrganizationsNotInUseException' });
  const denied = Object.assign(new Error('not authorized'), { code: 'AccessDeniedException' });

  it('refuses before deploying when the stage needs the management account and this is a member', async () => {
    const plugin = new DeployAccountCheck(
      serverless('local', {
        'STS.getCallerIdentity': { Account: '222233334444' },
        'Organizations.describeOrganization': { Organization: { MasterAccountId: '111122223333' } },
        'Organizations.listDelegatedAdministrators': denied,
      }),
    );
    await expect(plugin.hooks['before:deploy:deploy']()).rejects.toThrow(/Shepherd: stage local allows Organizations access changes/);
  });

  it('refuses in an account outside any organization, and passes in the management account', async () => {
    const outside = new DeployAccountCheck(serverless('local', { 'STS.getCallerIdentity': { Account: '222233334444' }, 'Organizations.describeOrganization': notInUse }));
    await expect(outside.hooks['before:deploy:deploy']()).rejects.toThrow(/no AWS Organization/);
    const management = new DeployAccountCheck(
      serverless('local', { 'STS.getCallerIdentity': { Account: '111122223333' }, 'Organizations.describeOrganization': { Organization: { MasterAccountId: '111122223333' } } }),
    );
    await expect(management.hooks['before:deploy:deploy']()).resolves.toBeUndefined();
  });

  it('asks nothing for a stage with no organization requests, and can be skipped explicitly', async () => {
    const plugin = new DeployAccountCheck(serverless('default', {}));
    await expect(plugin.hooks['before:deploy:deploy']()).resolves.toBeUndefined();
    process.env.SHEPHERD_SKIP_ACCOUNT_CHECK = '1';
    try {
      const skipped = new DeployAccountCheck(serverless('local', {}));
      await expect(skipped.hooks['before:deploy:deploy']()).resolves.toBeUndefined();
    } finally {
      delete process.env.SHEPHERD_SKIP_ACCOUNT_CHECK;
    }
  });
});
