/**
 * config/stage.js, what serverless.yml takes from config/guardrails.json
 * for a stage, on a stage with extra accounts and per-source principals
 * (the packaging test covers an unlisted stage).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { byStage } = require('../../config/stage.js') as { byStage: Record<string, any> };

describe('config/stage.js for example-restricted', () => {
  const stage = byStage['example-restricted'];
  const policies = Object.values(stage.busPolicy.Resources) as Array<{ Properties: { StatementId: string; Statement: any } }>;
  const bySid = Object.fromEntries(policies.map((p) => [p.Properties.StatementId, p.Properties.Statement]));

  it('accepts the deploying account and the configured one, and lets the configured one send', () => {
    expect(stage.allowedAccounts).toEqual({ 'Fn::Split': [',', { 'Fn::Sub': '${AWS::AccountId},111122223333' }] });
    expect(bySid['shepherd-example-restricted-AllowConfiguredAccounts']).toMatchObject({ Effect: 'Allow', Principal: { AWS: ['111122223333'] }, Action: 'events:PutEvents' });
  });

  it('ties each source to its own principals, and lists only the sources the stage takes', () => {
    expect(stage.requestSources).toEqual(['platform.provisioning', 'platform.catalog']);
    const denies = policies.map((p) => p.Properties.Statement).filter((st) => st.Condition?.ArnNotLike);
    expect(Object.fromEntries(denies.map((st) => [st.Condition.StringEquals['events:source'], st.Condition.ArnNotLike['aws:PrincipalArn']]))).toEqual({
      'platform.provisioning': ['arn:aws:iam::000000000000:role/platform-automation', 'arn:aws:iam::111122223333:role/provisioning-pipeline'],
      'platform.catalog': ['arn:aws:iam::000000000000:role/platform-automation'],
    });
  });

  it('passes the listed roles to one service each', () => {
    expect(stage.passRole.cloudControl).toMatchObject({ Effect: 'Allow', Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/shepherd-cloudcontrol-*' }] });
    expect(stage.passRole.provisionedProducts).toMatchObject({ Effect: 'Allow', Condition: { StringEquals: { 'iam:PassedToService': 'servicecatalog.amazonaws.com' } } });
  });

  it('refuses a stage name that would make a statement id CloudFormation cannot take', () => {
    expect(() => byStage['a-stage-name-far-too-long-to-fit-in-a-statement-id-x']).toThrow(/statement id/);
  });
});

describe('config/role-names.js', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { functionRoleName, regionCode } = require('../../config/role-names.js') as {
    functionRoleName: (service: string, stage: string, region: string, key: string) => string;
    regionCode: (region: string) => string;
  };

  it('writes regions as short codes', () => {
    expect(['us-east-1', 'eu-central-1', 'ap-southeast-2', 'us-gov-west-1', 'ap-northeast-3'].map(regionCode)).toEqual(['use1', 'euc1', 'apse2', 'usgovw1', 'apne3']);
  });

  it('keeps the whole function name while it fits, a hash of it when not, and refuses a stage that leaves no room', () => {
    expect(functionRoleName('shepherd', 'dev', 'us-east-1', 'ingestRequests')).toBe('shepherd-dev-ingestRequests-use1');
    const long = functionRoleName('shepherd', 'a-long-stage-name-xyz', 'ap-southeast-2', 'emitProgramManagementAccountUpdated');
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^shepherd-a-long-stage-name-xyz-emitProgramMan[a-zA-Z]*-[0-9a-f]{6}-apse2$/);
    // Two functions sharing a long prefix still get two names.
    expect(functionRoleName('shepherd', 'a-long-stage-name-xyz', 'ap-southeast-2', 'emitProgramManagementAccountUpdated')).not.toBe(
      functionRoleName('shepherd', 'a-long-stage-name-xyz', 'ap-southeast-2', 'emitProgramManagementAccountUpdatedX'),
    );
    expect(() => functionRoleName('shepherd', 'x'.repeat(50), 'us-east-1', 'ingestRequests')).toThrow(/stage name of at most/);
  });
});
