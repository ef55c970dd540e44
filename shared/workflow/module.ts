/**
 * What a workflow declares in its own folder (`shared/<workflow>/workflow.ts`),
 * registered once in `shared/workflows.ts`. Everything else is derived from
 * these declarations: the serverless configuration of its Task functions and
 * state machine (config/workflows.js), the rule's request detail-types, the
 * intake's routing, the rescue's terminal events, the local stack's progress
 * lines and the packaging tests.
 *
 * This file holds types and small constructors only: a Task function's bundle
 * never imports a workflow declaration (it would carry every step's code).
 */
import type { ClientName } from '../runtime/ports';

/** An IAM statement as serverless-iam-roles-per-function takes it: values may be CloudFormation intrinsics or serverless variables. */
export interface IamStatement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: unknown[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** The ledger ("do this once", documents stored aside): the three item calls on its one table. */
export const LEDGER_ACCESS: IamStatement = {
  Effect: 'Allow',
  Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
  Resource: [{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }],
};

/** PutEvents on Shepherd's own bus, nowhere else. */
export const PUT_EVENTS_ON_BUS: IamStatement = {
  Effect: 'Allow',
  Action: ['events:PutEvents'],
  Resource: [{ 'Fn::GetAtt': ['Bus', 'Arn'] }],
};

/**
 * `iam:PassRole` for the roles the stage's guardrails name (config/stage.js
 * writes the Allow, or a Deny on all when the stage allows none), and a Deny
 * on role paths: IAM's `*` would match `role/<name>/<anything>`; ingest refuses
 * paths, so does IAM.
 */
export function passRoleStatements(kind: 'cloudControl' | 'launchRole'): unknown[] {
  return [
    `\${self:custom.stageConfig.passRole.${kind}}`,
    { Effect: 'Deny', Action: ['iam:PassRole'], Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/*/*' }] },
  ];
}

/** One Lambda function behind one or more Task states. */
export interface TaskFunction {
  /** The function's key in the serverless configuration (its logical id, role and name derive from it). */
  key: string;
  /** `functions/<file>.handler`: the module exports `handler`, `build` and `clients` (defineHandler). */
  handler: string;
  /** The Task states of the workflow's ASL that invoke it (test/workflow/workflow-modules.test.ts checks them). */
  states: string[];
  description: string;
  /** The SDK clients its code calls (the same names the function passes to defineHandler; a test compares them). */
  clients: ClientName[];
  /** Whether it uses the ledger table (adds LEDGER_ACCESS to its role). */
  ledger?: boolean;
  /** Its role's statements besides the ledger's (and CloudWatch Logs, which the plugin adds). */
  iam: unknown[];
  environment?: Record<string, unknown>;
  timeout?: number;
  memorySize?: number;
}

/** What the deployment and the local stack need to know of a workflow. */
export interface WorkflowDeployment {
  /** `resource-operation`: its ASL is `workflows/<name>.asl.json`, its state machine `<service>-<stage>-<name>`. */
  name: string;
  /** The detail-types of the requests it takes (the request rule matches them), cancels included. */
  requestDetailTypes: string[];
  /** The field of the execution state where its steps keep their progress (`polls`, …): the local stack's progress lines read it. */
  progressRecord: string;
  tasks: TaskFunction[];
}

/** `resource-operation` → `ResourceOperationStateMachine`, the logical id serverless-step-functions gives it. */
export function stateMachineLogicalId(name: string): string {
  return `${name.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase())}StateMachine`;
}

/** `resource-operation` → `resourceOperation`, the state machine's key under `stepFunctions.stateMachines`. */
export function stateMachineKey(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}
