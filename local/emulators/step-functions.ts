/**
 * Emulated Step Functions for the calls Shepherd's handlers make
 * (StartExecution, DescribeExecution, GetExecutionHistory, StopExecution),
 * running each execution in aws-local-stepfunctions on the virtual clock.
 * Execution names behave as on a Standard state machine: the same name and
 * input while running returns the running execution; otherwise the name is
 * taken (ExecutionAlreadyExists). History is kept in the service's format,
 * Task states with their Scheduled/Started/Succeeded events, so history
 * counts match what AWS would record.
 */
import type { Clock } from '../../shared/runtime/clock';
import { AwsError, type ServiceOperations } from './aws-server';
import type { InterpreterModule } from './interpreter';
import type { AslDefinition } from '../../tooling/serverless-config';

export type TaskHandlers = Record<string, (input: unknown) => Promise<unknown>>;

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface EmulatedExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  currentState?: string;
  /** Largest state input/output seen, in bytes (the service's limit is 256 KiB). */
  maxPayloadBytes: number;
  abort?: () => void;
  done: Promise<void>;
}

export interface ExecutionObserver {
  onStateEntered?(execution: EmulatedExecution, stateName: string, stateType: string): void;
  onExecutionClosed?(execution: EmulatedExecution): void;
}

const MAX_PAYLOAD_BYTES = 256 * 1024;
/**
 * Execution names: botocore stepfunctions StartExecution name — must not contain white space, brackets, wildcards,
 * the special characters " # % \ ^ | ~ ` $ & , ; : /, or control characters (U+0000-001F, U+007F-009F,
 * U+FFFE-FFFF). 1–80 characters.
 */
// eslint-disable-next-line no-control-regex -- control characters are what this pattern rejects
const NAME_PATTERN = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff]{1,80}$/;

interface Machine {
  arn: string;
  name: string;
  runner: InstanceType<InterpreterModule['StateMachine']>;
  tasks: TaskHandlers;
}

export class StepFunctionsEmulator {
  readonly executions = new Map<string, EmulatedExecution>();
  private readonly machines = new Map<string, Machine>();

  constructor(
    private readonly interpreter: InterpreterModule,
    private readonly clock: Clock,
    private readonly observer: ExecutionObserver = {},
    private readonly newId: () => string = () => crypto.randomUUID(),
  ) {}

  /** Validates the definition once (about 70 ms) and keeps the runner for every execution. */
  addStateMachine(arn: string, name: string, definition: AslDefinition, tasks: TaskHandlers): void {
    const runner = new this.interpreter.StateMachine(definition as never);
    this.machines.set(arn, { arn, name, runner, tasks });
  }

  operations(): ServiceOperations {
    return {
      StartExecution: (input) => this.start(input),
      DescribeExecution: (input) => this.describe(input),
      GetExecutionHistory: (input) => this.history(input),
      StopExecution: (input) => this.stop(input),
      ListExecutions: (input) => this.list(input),
    };
  }

  private execution(input: Record<string, unknown>): EmulatedExecution {
    const arn = String(input.executionArn ?? '');
    const execution = this.executions.get(arn);
    if (!execution) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  private start(input: Record<string, unknown>) {
    const machine = this.machines.get(String(input.stateMachineArn ?? ''));
    if (!machine) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(input.stateMachineArn)}'`);
    const name = String(input.name ?? this.newId());
    if (!NAME_PATTERN.test(name)) throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
    const rawInput = typeof input.input === 'string' ? input.input : '{}';
    if (Buffer.byteLength(rawInput) > MAX_PAYLOAD_BYTES) throw new AwsError('InvalidExecutionInput', 'Execution input exceeds 262144 bytes');
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawInput);
    } catch {
      throw new AwsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === rawInput) return { executionArn, startDate: existing.startDate };
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution = this.run(machine, executionArn, name, rawInput, parsed);
    return { executionArn, startDate: execution.startDate };
  }

  private run(machine: Machine, executionArn: string, name: string, rawInput: string, input: unknown): EmulatedExecution {
    const startDate = this.clock.now();
    const handle = machine.runner.run(input as never, {
      overrides: { taskResourceLocalHandlers: machine.tasks as never },
      noThrowOnAbort: true,
      context: { Execution: { Id: executionArn, Name: name, RoleArn: `${machine.arn}-role` } } as never,
    });
    const execution: EmulatedExecution = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      input: rawInput,
      status: 'RUNNING',
      startDate,
      history: [],
      maxPayloadBytes: Buffer.byteLength(rawInput),
      abort: handle.abort,
      done: Promise.resolve(),
    };
    this.executions.set(executionArn, execution);
    const record = (type: string, details: Record<string, unknown> = {}) => {
      const id = execution.history.length + 1;
      execution.history.push({ id, previousEventId: id - 1, timestamp: this.clock.now(), type, ...details });
    };
    const close = (status: ExecutionStatus, details: { output?: unknown; error?: string; cause?: string } = {}) => {
      if (execution.status !== 'RUNNING') return;
      execution.status = status;
      execution.stopDate = this.clock.now();
      execution.currentState = undefined;
      if (details.output !== undefined) execution.output = JSON.stringify(details.output);
      execution.error = details.error;
      execution.cause = details.cause;
      this.observer.onExecutionClosed?.(execution);
    };
    const measure = (payload: unknown): void => {
      const bytes = Buffer.byteLength(JSON.stringify(payload ?? null));
      execution.maxPayloadBytes = Math.max(execution.maxPayloadBytes, bytes);
      if (bytes > MAX_PAYLOAD_BYTES) {
        close('FAILED', { error: 'States.DataLimitExceeded', cause: `a state's data is ${bytes} bytes, over 262144` });
        handle.abort();
      }
    };

    record('ExecutionStarted', { executionStartedEventDetails: { input: rawInput } });
    const consume = async () => {
      for await (const event of handle.eventLogs) {
        switch (event.type) {
          case 'StateEntered': {
            const { name: stateName, type } = event.state;
            execution.currentState = stateName;
            record(`${type}StateEntered`, { stateEnteredEventDetails: { name: stateName, input: JSON.stringify(event.state.input) } });
            // Every Task here invokes a Lambda function by its ARN: AWS records LambdaFunction* events for those (Task* ones carry resourceType/resource, required by the model).
            if (type === 'Task') {
              record('LambdaFunctionScheduled', {});
              record('LambdaFunctionStarted', {});
            }
            this.observer.onStateEntered?.(execution, stateName, type);
            break;
          }
          case 'StateExited': {
            const { name: stateName, type, output } = event.state;
            measure(output);
            if (type === 'Task') record('LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: JSON.stringify(output) } });
            record(`${type}StateExited`, { stateExitedEventDetails: { name: stateName, output: JSON.stringify(output) } });
            break;
          }
          case 'StateFailed': // every failed attempt, retried or not, as the service records it
            record('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error: event.Error, cause: event.Cause } });
            break;
          case 'ExecutionSucceeded':
            record('ExecutionSucceeded', { executionSucceededEventDetails: { output: JSON.stringify(event.output) } });
            close('SUCCEEDED', { output: event.output });
            break;
          case 'ExecutionFailed':
            // An uncaught Task timeout fails the execution with no cause on AWS (test_fixed_timeout_lambda's snapshot).
            record('ExecutionFailed', { executionFailedEventDetails: { error: event.Error, cause: event.Cause || undefined } });
            close('FAILED', { error: event.Error, cause: (event.Cause as string | undefined) || undefined });
            break;
          case 'ExecutionTimeout':
            record('ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } });
            // DescribeExecution of a timed-out execution has no error and no cause on AWS (LocalStack's AWS-verified
            // snapshot of test_global_timeout): the rescue must not rely on them.
            close('TIMED_OUT');
            break;
          case 'ExecutionAborted':
            record('ExecutionAborted', {});
            close('ABORTED');
            break;
          default:
            break;
        }
      }
    };
    execution.done = Promise.all([consume(), handle.result.catch(() => undefined)]).then(() => undefined);
    return execution;
  }

  private describe(input: Record<string, unknown>) {
    const e = this.execution(input);
    return {
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate,
      stopDate: e.stopDate,
      input: e.input,
      output: e.output,
      error: e.error,
      cause: e.cause,
    };
  }

  private history(input: Record<string, unknown>) {
    const e = this.execution(input);
    const maxResults = Math.min(1000, Math.max(1, Number(input.maxResults ?? 100)));
    const offset = Number(input.nextToken ?? 0);
    const ordered = input.reverseOrder ? [...e.history].reverse() : e.history;
    const includeData = input.includeExecutionData !== false;
    const page = ordered.slice(offset, offset + maxResults).map((event) => (includeData ? event : stripData(event)));
    const next = offset + maxResults < ordered.length ? String(offset + maxResults) : undefined;
    return { events: page, nextToken: next };
  }

  /** Newest first, as the service lists them; statusFilter and paging as documented. */
  private list(input: Record<string, unknown>) {
    const arn = String(input.stateMachineArn ?? '');
    if (!this.machines.has(arn)) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    const all = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === arn && (input.statusFilter === undefined || e.status === input.statusFilter))
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    const maxResults = Math.min(1000, Math.max(1, Number(input.maxResults ?? 100)));
    const offset = Number(input.nextToken ?? 0);
    const page = all.slice(offset, offset + maxResults).map((e) => ({
      executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: e.startDate, stopDate: e.stopDate,
    }));
    return { executions: page, nextToken: offset + maxResults < all.length ? String(offset + maxResults) : undefined };
  }

  private stop(input: Record<string, unknown>) {
    const e = this.execution(input);
    if (e.status === 'RUNNING') {
      e.abort?.();
      e.error = typeof input.error === 'string' ? input.error : undefined;
      e.cause = typeof input.cause === 'string' ? input.cause : undefined;
    }
    return { stopDate: e.stopDate ?? this.clock.now() };
  }
}

function stripData(event: HistoryEvent): HistoryEvent {
  return JSON.parse(JSON.stringify(event, (key, value: unknown) => (['input', 'output'].includes(key) ? undefined : value))) as HistoryEvent;
}
