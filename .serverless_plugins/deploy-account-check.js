'use strict';

/**
 * Refuses `serverless deploy` into an account where the stage's allowlist
 * cannot work: Organizations access changes only work from the
 * organization's management account, organization-node shares also from a
 * Service Catalog delegated administrator. Deployed elsewhere, every such
 * request would end FAILED; this says so before anything is deployed.
 * Packaging (no credentials) is not checked. SHEPHERD_SKIP_ACCOUNT_CHECK=1
 * skips it (for example when the deploying role may not read Organizations).
 */
const { loadGuardrails } = require('../config/stage.js');

class DeployAccountCheck {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:deploy:deploy': () => this.check() };
  }

  async facts(provider) {
    const { Account: accountId } = await provider.request('STS', 'getCallerIdentity', {});
    let managementAccountId;
    try {
      managementAccountId = (await provider.request('Organizations', 'describeOrganization', {})).Organization.MasterAccountId;
    } catch (error) {
      if (!/AWSOrganizationsNotInUse/.test(`${error.code} ${error.providerErrorCodeExtended} ${error.message}`)) throw error;
    }
    let delegatedAdministrator = false;
    if (managementAccountId !== undefined && managementAccountId !== accountId) {
      try {
        const { DelegatedAdministrators = [] } = await provider.request('Organizations', 'listDelegatedAdministrators', { ServicePrincipal: 'servicecatalog.amazonaws.com' });
        delegatedAdministrator = DelegatedAdministrators.some((a) => a.Id === accountId);
      } catch {
        // Only the management account and delegated administrators may list them: refused means not one.
      }
    }
    return { accountId, managementAccountId, delegatedAdministrator };
  }

  async check() {
    if (process.env.SHEPHERD_SKIP_ACCOUNT_CHECK === '1') return;
    const provider = this.serverless.getProvider('aws');
    const stage = provider.getStage();
    const { guardrailsFor, deployAccountProblem, deployAccountWarning, accountRequirements } = loadGuardrails();
    const guardrails = guardrailsFor(stage);
    const needs = accountRequirements(guardrails);
    if (needs.managementOnly.length === 0 && needs.managementOrDelegated.length === 0 && needs.partlyElsewhere.length === 0) return;
    const facts = await this.facts(provider);
    const problem = deployAccountProblem(stage, guardrails, facts);
    if (problem) throw new this.serverless.classes.Error(`Shepherd: ${problem}`);
    const warning = deployAccountWarning(guardrails, facts);
    if (warning) (this.serverless.cli?.log ?? console.warn)(`Shepherd: ${warning}`);
  }
}

module.exports = DeployAccountCheck;
