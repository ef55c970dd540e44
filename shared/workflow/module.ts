/**
 * What a workflow declares in its own folder (`shared/<workflow>/workflow.ts`),
 * registered once in `shared/workflows.ts`. Everything else is derived from
 * these declarations: the serverless configuration of its Task functions and
 * state machine (config/workflows.js), the rule's request detail-types, the
 * intake's routing, the rescue's terminal events, the local stack's progress
 * lines and the packaging tests.
 *
 * This file holds types and small constructors only. A Task function's bundle
 * never imports a workflow declaration (it would carry the workflow's other
 * steps); the intake, the rescue, the sweep and the redrive, which act for
 * every workflow, read them through the registry.
 */
import type { z } from 'zod';
import type { Allowlist } from '../allowlists';
import type { DetailOf, EventContract, TerminalEventContract } from '../contracts/contract';
import type { IncomingEvent } from '../events/reject';
import type { ClientName, Uses } from '../runtime/ports';
import type { RequestKind } from './ingest';

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
 * `iam:PassRole` for the roles a workflow's allowlist lets it pass (config/stage.js
 * writes the Allow from the stage's section, or a Deny on all when the stage allows
 * none), and a Deny on role paths: IAM's `*` would match `role/<name>/<anything>`;
 * ingest refuses paths, so does IAM.
 */
export function passRoleStatements(allowlist: Allowlist): unknown[] {
  if (!allowlist.passedRole) throw new Error(`the ${allowlist.section} allowlist declares no passedRole: it lets no role be passed`);
  return [
    `\${self:custom.stageConfig.passRole.${allowlist.section}}`,
    { Effect: 'Deny', Action: ['iam:PassRole'], Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/*/*' }] },
  ];
}

/** One Lambda function behind one or more Task states. */
export interface TaskFunction {
  /** The function's key in the serverless configuration (its logical id, role and name derive from it). */
  key: string;
  /** `shared/<workflow>/handlers/<file>.handler`: the module exports `handler`, `build` and `clients` (defineHandler). */
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
  /**
   * The IAM actions it calls in other accounts, as the stage's spoke role (shared/workflow/spoke.ts): its own role
   * then may assume that role, it gets the role's name and ExternalId, and the spoke role template grants them.
   */
  spoke?: string[];
  environment?: Record<string, unknown>;
  timeout?: number;
  memorySize?: number;
}

/**
 * The Task function that emits a workflow's terminal event: PutEvents on Shepherd's bus, once through the
 * ledger (so it uses DynamoDB too), with 90 s for its retries of failed entries.
 */
export function emitTerminalTask(task: { key: string; handler: string; state: string; detailType: string }) {
  return {
    key: task.key,
    handler: task.handler,
    states: [task.state],
    description: `Emits the ${task.detailType} event (Task "${task.state}").`,
    clients: ['eventBridge', 'dynamodb'],
    timeout: 90,
    ledger: true,
    iam: [PUT_EVENTS_ON_BUS],
  } as const satisfies TaskFunction;
}

/** What the rescue reads of a terminal event's detail, and sets (its status). */
export type RescuedDetail = { status: string; errorCode?: string; statusMessage?: string };

/** A workflow's terminal event, as the rescue sends it for an execution that closed without sending it. */
export interface TerminalContract {
  /** The workflow's terminal event. */
  contract: TerminalEventContract;
  /** The terminal event's detail for a workflow state, as the workflow's own emit step builds it. */
  detail: (state: never, now: Date) => RescuedDetail;
  /** The status a stopped (ABORTED) execution reports, where the contract has one. */
  abortedStatus: string;
  /** Whether the contract has TIMED_OUT. */
  hasTimedOut: boolean;
  /**
   * States entered once the operation's outcome is known: an execution that
   * ends in one of them (a PutEvents outage outlasting the emit step's
   * retries, say) did its work, and the rescue sends the terminal event the
   * workflow meant to send. The value is where a failure there belongs in
   * the state: undefined for the emit step (the outcome stands as it is), or
   * the field the workflow's own Catch writes (the fan-out's announceFailure,
   * which the completion counts as events not delivered).
   */
  outcomeKnownIn: Record<string, string | undefined>;
}

/** The statuses a terminal contract's detail can have. */
type StatusOf<C extends TerminalEventContract> = DetailOf<C> extends { status: infer S extends string } ? S : never;

/**
 * A workflow's terminal entry, checked against its terminal contract: the
 * detail builder builds that contract's detail, the aborted status is one the
 * contract has, and only a contract with TIMED_OUT can say it has it. (The
 * rescue then sends the detail through the contract it was checked with.)
 */
export function terminalOf<C extends TerminalEventContract>(entry: {
  contract: C;
  detail: (state: never, now: Date) => NoInfer<DetailOf<C>> & RescuedDetail;
  abortedStatus: NoInfer<StatusOf<C>>;
  hasTimedOut: 'TIMED_OUT' extends NoInfer<StatusOf<C>> ? boolean : false;
  outcomeKnownIn: TerminalContract['outcomeKnownIn'];
}): TerminalContract {
  return entry;
}

/** A kind of request a workflow takes: its contract and the stage's allowlist for it (the workflow is the one declaring it). */
export type WorkflowRequest = Omit<RequestKind, 'workflow'>;

/**
 * A request kind, typed by its contract and its allowlist (authorize sees the validated request and the stage's
 * parsed section, carry the validated request), then kept as any other.
 */
export function requestOf<S extends z.ZodType<{ requestId?: string }>, A>(kind: Omit<RequestKind<S, A>, 'workflow'>): WorkflowRequest {
  return kind as unknown as WorkflowRequest;
}

/**
 * A request that cancels one of a workflow's running requests; the intake hands it over as it comes. Declared
 * beside the workflow (`shared/<workflow>/workflow.ts`) and registered in CANCELS (shared/workflows.ts).
 */
export interface WorkflowCancel {
  contract: EventContract;
  /** Resolves when the cancel is done with (applied or rejected); throws RetryLater or a transient error to be tried again. */
  handle: (event: IncomingEvent, ports: Uses<'cloudControl' | 'eventBridge' | 'sfn'>, waitedMs: number) => Promise<unknown>;
}

/** How a person reads one of a workflow's events in one line (the local CLI prints it after the detail-type). */
export interface EventSummary {
  detailType: string;
  summary: (detail: never) => string;
}

/** An event's one-line summary, typed by its contract. */
export function summaryOf<C extends EventContract>(contract: C, summary: (detail: DetailOf<C>) => string): EventSummary {
  return { detailType: contract.detailType, summary: summary as (detail: never) => string };
}

/** "<gap>ErrorCode: message" when a detail reports one. */
export function reasonOf(detail: { errorCode?: string | undefined; statusMessage?: string | undefined }, gap = '  '): string {
  return detail.errorCode ? `${gap}${detail.errorCode}${detail.statusMessage ? `: ${detail.statusMessage}` : ''}` : '';
}

/** Everything Shepherd needs to know of a workflow, in its own folder (`shared/<workflow>/workflow.ts`). */
export interface WorkflowModule {
  /** `resource-operation`: its ASL is `workflows/<name>.asl.json`, its state machine `<service>-<stage>-<name>`. */
  name: string;
  /** The requests it takes; the request rule matches their detail-types, the intake routes them here. */
  requests: WorkflowRequest[];
  /** Its one terminal event, and where in the ASL the outcome is known (the rescue). */
  terminal: TerminalContract;
  /**
   * Every event contract it owns (shared/<workflow>/events/, one per file), by the name the contracts table
   * (shared/contracts/events.ts) gives it: its requests, its cancel, its terminal event and any other it emits.
   */
  events: Record<string, EventContract>;
  /** A one-line summary of each event it emits, for people watching a run (`shepherd run`). */
  summaries: EventSummary[];
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
