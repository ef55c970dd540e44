'use strict';

/**
 * The serverless configuration of every workflow, derived from its
 * declaration (shared/<workflow>/workflow.ts, registered in shared/workflows.ts):
 *
 *   functions:
 *     - ${file(./config/workflows.js):functions}
 *   stateMachines: ${file(./config/workflows.js):stateMachines}
 *
 * and the lists the shared resources name every workflow in (the request
 * rule's detail-types, the state machine ARNs and execution ARNs the intake,
 * the rescue and the sweep may touch). Adding a workflow changes none of
 * serverless.yml. The local stack resolves the same addresses
 * (tooling/serverless-config.ts).
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { loadTypeScript } = require('./load-typescript');
const { roleLogicalId } = require('./role-names');

function load() {
  const { WORKFLOWS, requestDetailTypes } = loadTypeScript(join(__dirname, '..', 'shared', 'workflows.ts'));
  const { LEDGER_ACCESS, stateMachineKey, stateMachineLogicalId } = loadTypeScript(join(__dirname, '..', 'shared', 'workflow', 'module.ts'));
  return { workflows: WORKFLOWS, requestDetailTypes, LEDGER_ACCESS, stateMachineKey, stateMachineLogicalId };
}

function functions() {
  const { workflows, LEDGER_ACCESS } = load();
  const out = {};
  for (const workflow of workflows) {
    for (const task of workflow.tasks) {
      if (out[task.key]) throw new Error(`function ${task.key} is declared by two workflows`);
      out[task.key] = {
        handler: task.handler,
        description: task.description,
        ...(task.timeout !== undefined ? { timeout: task.timeout } : {}),
        ...(task.memorySize !== undefined ? { memorySize: task.memorySize } : {}),
        ...(task.environment ? { environment: { ...task.environment } } : {}),
        iamRoleStatements: [
          ...(task.ledger ? [LEDGER_ACCESS] : []),
          ...task.iam,
          // It acts in other accounts as the stage's spoke role: it may assume that role (config/stage.js).
          ...((task.spoke ?? []).length ? ['${self:custom.stageConfig.assumeSpoke}'] : []),
        ],
      };
    }
  }
  return out;
}

function stateMachines() {
  const { workflows, stateMachineKey, stateMachineLogicalId } = load();
  return Object.fromEntries(
    workflows.map((workflow) => [
      stateMachineKey(workflow.name),
      {
        id: stateMachineLogicalId(workflow.name),
        name: `\${self:service}-\${sls:stage}-${workflow.name}`,
        type: 'STANDARD',
        definition: JSON.parse(readFileSync(join(__dirname, '..', 'workflows', `${workflow.name}.asl.json`), 'utf8')),
        encryptionConfig: '${self:custom.encryptionConfig}',
        loggingConfig: {
          level: 'ERROR',
          // Execution data holds desired states and patch documents: keep it out of the logs.
          includeExecutionData: false,
          destinations: [{ 'Fn::GetAtt': ['StateMachineLogGroup', 'Arn'] }],
        },
      },
    ]),
  );
}

module.exports = {
  get functions() {
    return functions();
  },
  get stateMachines() {
    return stateMachines();
  },
  /** Every request detail-type, for the request rule (and the rule that logs unaccepted sources). */
  get requestDetailTypes() {
    return load().requestDetailTypes();
  },
  /** `{ Ref: <StateMachine> }` for each workflow: StartExecution, ListExecutions, STATE_MACHINE_ARNS. */
  get stateMachineRefs() {
    const { workflows, stateMachineLogicalId } = load();
    return workflows.map((workflow) => ({ Ref: stateMachineLogicalId(workflow.name) }));
  },
  /**
   * The roles of the functions that act in other accounts (a Task with `spoke` actions), comma-separated: what the
   * spoke role's TrustedRoleArns parameter takes (spoke/shepherd-spoke-role.json).
   */
  get spokeOutputs() {
    const callers = load().workflows.flatMap((workflow) => workflow.tasks).filter((task) => (task.spoke ?? []).length > 0);
    if (callers.length === 0) return { Outputs: {} };
    return {
      Outputs: {
        SpokeCallerRoleArns: {
          Description: "Shepherd's roles that assume the spoke role in other accounts: the spoke template's TrustedRoleArns",
          Value: { 'Fn::Join': [',', callers.map((task) => ({ 'Fn::GetAtt': [roleLogicalId(task.key), 'Arn'] }))] },
        },
      },
    };
  },
  /** Each workflow's executions, for DescribeExecution and GetExecutionHistory. */
  get executionArns() {
    const { workflows, stateMachineLogicalId } = load();
    return workflows.map((workflow) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:\${${stateMachineLogicalId(workflow.name)}.Name}:*`,
    }));
  },
};
