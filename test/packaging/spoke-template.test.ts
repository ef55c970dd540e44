/**
 * The spoke role template (spoke/shepherd-spoke-role.json) is what the one
 * definition writes (tooling/spoke-template.ts ← shared/workflow/spoke.ts):
 * a Task that starts calling something new in other accounts changes it, and
 * this fails until the file is written again. The Shepherd stack names the
 * roles the template must trust (SpokeCallerRoleArns).
 */
import { readFileSync } from 'node:fs';
import { SPOKE_TEMPLATE_PATH, spokeTemplate } from '../../tooling/spoke-template';
import { spokeActions, spokeCallers } from '../../shared/workflow/spoke';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS module serverless itself requires
const workflows = require('../../config/workflows.js') as { spokeOutputs: { Outputs: Record<string, { Value: unknown }> } };

it('is the file the definition writes (npx tsx tooling/spoke-template.ts)', () => {
  expect(readFileSync(SPOKE_TEMPLATE_PATH, 'utf8')).toBe(spokeTemplate());
});

it('grants the declared actions only, trusts Shepherd\'s account with the ExternalId and the named roles, and keeps sessions short', () => {
  const template = JSON.parse(readFileSync(SPOKE_TEMPLATE_PATH, 'utf8'));
  const role = template.Resources.SpokeRole.Properties;
  expect(role.Policies).toEqual([{ PolicyName: 'shepherd-spoke', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: spokeActions(), Resource: '*' }] } }]);
  expect(role.AssumeRolePolicyDocument.Statement).toEqual([
    {
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' } },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } }, ArnEquals: { 'aws:PrincipalArn': { Ref: 'TrustedRoleArns' } } },
    },
  ]);
  expect(role.MaxSessionDuration).toBe(3600);
  expect(template.Parameters.ExternalId.NoEcho).toBe(true);
});

it('the Shepherd stack outputs the roles of exactly the functions that act in other accounts', () => {
  const value = workflows.spokeOutputs.Outputs.SpokeCallerRoleArns!.Value as { 'Fn::Join': [string, Array<{ 'Fn::GetAtt': [string, string] }>] };
  expect(value['Fn::Join'][1].map((ref) => ref['Fn::GetAtt'][0])).toEqual(spokeCallers().map((key) => `${key[0]!.toUpperCase()}${key.slice(1)}IamRoleLambdaExecution`));
});
