'use strict';

/**
 * serverless-step-functions (3.28) gives a state machine with a customer
 * managed key an IAM statement of its own: kms:Decrypt and kms:Encrypt on the
 * key, for any encryption context. Shepherd's key policy (DataKey in
 * serverless.yml) is what grants its roles the key — Decrypt and
 * GenerateDataKey, through Step Functions, SQS and DynamoDB only — and it
 * does not let IAM policies grant data use at all, so that statement grants
 * nothing but reads as if it did (and names Encrypt, which Step Functions
 * does not call). This drops it, so each role lists only what it uses.
 */
class KeyPolicyGrantsOnly {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.drop() };
  }

  drop() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      const trusted = JSON.stringify(resource.Properties.AssumeRolePolicyDocument ?? {});
      if (!trusted.includes('states.')) continue;
      for (const policy of resource.Properties.Policies ?? []) {
        const statements = policy.PolicyDocument.Statement;
        policy.PolicyDocument.Statement = statements.filter((s) => ![s.Action].flat().some((a) => String(a).startsWith('kms:')));
      }
    }
  }
}

module.exports = KeyPolicyGrantsOnly;
