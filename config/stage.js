'use strict';

/**
 * What serverless.yml takes from config/guardrails.json for a stage, computed
 * by the modules ingest checks requests with — shared/guardrails.ts (senders)
 * and the workflows' allowlists (shared/<workflow>/allowlist.ts, through
 * shared/workflow/stage-allowlists.ts) — so the rule's sources, the bus policy
 * and the iam:PassRole statements say what ingest enforces, from one definition.
 * The whole file is validated first: a section no workflow owns fails here.
 *
 *   ${file(./config/stage.js):byStage.${sls:stage}.requestSources}
 *
 * The local stack resolves the same addresses (tooling/serverless-config.ts).
 * Plain CommonJS because serverless loads it with Node's require; the
 * TypeScript is loaded through tsx when nothing else can load it.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');
const { roleLogicalId } = require('./role-names');
const { loadTypeScript } = require('./load-typescript');
const workflows = require('./workflows');

/** The functions whose own role may call events:PutEvents: the only principals that may send as `shepherd`. */
function publishingFunctions(config) {
  // serverless.yml lists the platform's functions and then the workflows' (config/workflows.js).
  const declared = Object.assign({}, ...[config.functions ?? {}].flat().filter((block) => typeof block === 'object'), workflows.functions);
  return Object.entries(declared)
    .filter(([, fn]) => (fn.iamRoleStatements ?? []).some((s) => s.Effect === 'Allow' && [s.Action].flat().includes('events:PutEvents')))
    .map(([key]) => key);
}

/**
 * CloudFormation names an EventBusPolicy by its StatementId, account-wide
 * (aws-cdk#29627): two stages (or services) in one account must not share one.
 */
function statementId(service, stage, sid) {
  const id = `${service}-${stage}-${sid}`;
  if (!/^[a-zA-Z0-9-_]{1,64}$/.test(id)) throw new Error(`bus policy statement id "${id}" must be 1-64 of [a-zA-Z0-9-_]: use a shorter stage name`);
  return id;
}

const warned = new Set();

/**
 * shared/guardrails.ts and shared/workflow/stage-allowlists.ts, however this process can load TypeScript
 * (the deploy plugin uses them too).
 */
function loadGuardrails() {
  return {
    ...loadTypeScript(join(__dirname, '..', 'shared', 'guardrails.ts')),
    ...loadTypeScript(join(__dirname, '..', 'shared', 'workflow', 'stage-allowlists.ts')),
    ...loadTypeScript(join(__dirname, '..', 'shared', 'workflow', 'spoke.ts')),
  };
}

function derive(stage) {
  const guardrails = loadGuardrails();
  guardrails.assertGuardrailsFile();
  if (!guardrails.isListedStage(stage) && !warned.has(stage)) {
    warned.add(stage);
    process.emitWarning(
      `stage "${stage}" is not in config/guardrails.json: it gets the "default" guardrails, which allow no AWS change of any kind (every request is rejected). Add the stage before deploying it.`,
      { code: 'SHEPHERD_UNLISTED_STAGE' },
    );
  }
  const g = guardrails.guardrailsFor(stage);
  const config = parse(readFileSync(join(__dirname, '..', 'serverless.yml'), 'utf8'));
  const busArn = { 'Fn::GetAtt': ['Bus', 'Arn'] };
  // The deploying account and the configured ones (one value when there are none: no empty entry in a policy).
  const accounts = g.extraAccounts ? { 'Fn::Split': [',', { 'Fn::Sub': `\${AWS::AccountId},${g.extraAccounts}` }] } : [{ Ref: 'AWS::AccountId' }];
  const shepherdRoles = publishingFunctions(config).map((key) => ({ 'Fn::GetAtt': [roleLogicalId(key), 'Arn'] }));
  const statements = guardrails.busPolicyStatements(g, busArn, shepherdRoles, accounts);
  return {
    requestSources: Object.keys(g.sources),
    allowedAccounts: accounts,
    busPolicy: {
      Resources: Object.fromEntries(
        statements.map(({ Sid, ...statement }, i) => [
          `BusPolicy${Sid}`,
          {
            Type: 'AWS::Events::EventBusPolicy',
            // One at a time: each is a PutPermission on the same bus policy.
            ...(i > 0 ? { DependsOn: [`BusPolicy${statements[i - 1].Sid}`] } : {}),
            Properties: { EventBusName: { Ref: 'Bus' }, StatementId: statementId(config.service, stage, Sid), Statement: statement },
          },
        ]),
      ),
    },
    // The Allow (or, when the stage allows no role, a Deny on all); the Deny on role paths is written beside it.
    passRole: guardrails.passRoleByStage(g),
    // sts:AssumeRole of the stage's spoke role, for the functions that act in other accounts (their `spoke` actions).
    assumeSpoke: guardrails.assumeSpokeStatement(g.spoke),
  };
}

module.exports = {
  loadGuardrails,
  byStage: new Proxy({}, { get: (_target, stage) => (typeof stage === 'string' && stage !== 'then' ? derive(stage) : undefined) }),
};
