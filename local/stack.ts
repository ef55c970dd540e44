/**
 * The embedded local stack: Shepherd on one machine with no AWS account.
 *
 * It reads serverless.yml (rules, functions, environments, state machines),
 * runs the same ASL files in aws-local-stepfunctions with the real handlers
 * bound to their Task states, and serves Cloud Control, EventBridge and Step
 * Functions from emulators that the real SDK clients reach over loopback.
 * Everything runs on one virtual clock (clock.ts).
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { CloudControlClient } from '@aws-sdk/client-cloudcontrol';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { PartnerCentralChannelClient } from '@aws-sdk/client-partnercentral-channel';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { SFNClient } from '@aws-sdk/client-sfn';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { SHEPHERD_SOURCE } from '../shared/contracts/events';
import { configFromEnv } from '../shared/runtime/config';
import type { LambdaHandler } from '../shared/runtime/lambda';
import { noLedger } from '../shared/runtime/ledger';
import { realSleep, type Ports } from '../shared/runtime/ports';
import { AwsServer } from './aws-server';
import { VirtualClock } from './clock';
import { CloudControlEmulator } from './emulators/cloud-control';
import { DynamoDbEmulator } from './emulators/dynamodb';
import { SqsEmulator } from './emulators/sqs';
import { EventBridgeEmulator, eventTime, type EventEnvelope } from './emulators/event-bridge';
import { PartnerCentralEmulator } from './emulators/partner-central';
import { ProvisionedProductEmulator } from './emulators/provisioned-products';
import { ServiceCatalogEmulator } from './emulators/service-catalog';
import { StepFunctionsEmulator, type EmulatedExecution, type TaskHandlers } from './emulators/step-functions';
import { loadInterpreter } from './interpreter';
import { lambdaContext } from './lambda-context';
import { matchesPattern } from './pattern-matcher';
import { loadServiceModel, type FunctionModel, type ServiceModel } from './serverless-config';
import { parseWorld, type World, type WorldInput } from './world';

export interface LocalStackOptions {
  world?: World | WorldInput;
  /** Project root holding serverless.yml. */
  root?: string;
  /** Powertools log level for the handlers (logs go to stderr); SILENT by default; CAPTURE keeps DEBUG logs in logLines. */
  logLevel?: string;
  /** Environment variables set on every function, over serverless.yml's (e.g. a shorter OPERATION_TIMEOUT_SECONDS). */
  environment?: Record<string, string>;
}

export type StackEvent =
  | { type: 'state'; execution: EmulatedExecution; stateName: string; stateType: string; polls?: number }
  | { type: 'execution-closed'; execution: EmulatedExecution }
  | { type: 'event'; busName: string; envelope: EventEnvelope }
  | { type: 'dead-letter'; functionKey: string; envelope: EventEnvelope; error: string };

export interface DeadLetter {
  functionKey: string;
  envelope: EventEnvelope;
  error: string;
}

/** Small seeded PRNG (mulberry32): runs repeat for the same world seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Lambda function error as Step Functions reports it: the error name, and a JSON cause. */
function lambdaError(error: unknown): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  const reported = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message }));
  reported.name = e.name;
  return reported;
}

const LAMBDA_SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

export class LocalStack {
  readonly clock: VirtualClock;
  readonly server: AwsServer;
  readonly cloudControl: CloudControlEmulator;
  readonly eventBridge: EventBridgeEmulator;
  readonly serviceCatalog: ServiceCatalogEmulator;
  readonly provisionedProducts: ProvisionedProductEmulator;
  readonly partnerCentral: PartnerCentralEmulator;
  readonly dynamodb: DynamoDbEmulator;
  readonly sqs: SqsEmulator;
  readonly stepFunctions: StepFunctionsEmulator;
  readonly deadLetters: DeadLetter[] = [];
  readonly invocations = new Map<string, number>();
  /** Every structured log line the handlers wrote, when started with logLevel 'CAPTURE'. */
  readonly logLines: string[] = [];
  /** Events rules delivered to log groups (e.g. requests from sources or accounts the stage does not accept). */
  readonly logGroups = new Map<string, EventEnvelope[]>();
  private readonly listeners: Array<(event: StackEvent) => void> = [];
  private readonly idleHandlers = new Map<string, Array<LambdaHandler<unknown, unknown>>>();
  private readonly clients: { cloudControl: CloudControlClient; eventBridge: EventBridgeClient; serviceCatalog: ServiceCatalogClient; partnerCentral: PartnerCentralChannelClient; sfn: SFNClient; dynamodb: DynamoDBClient; sqs: SQSClient };
  private readonly random: () => number;
  /** A logger per function instance, all writing to the same sink. */
  private readonly newLogger: () => Logger;

  private constructor(
    readonly model: ServiceModel,
    readonly world: World,
    url: string,
    server: AwsServer,
    clock: VirtualClock,
    logLevel: string,
    /** Set on every function over serverless.yml's. */
    private readonly environment: Record<string, string>,
  ) {
    this.clock = clock;
    this.server = server;
    this.random = seededRandom(world.seed);
    const where = { region: model.region, accountId: model.accountId };
    this.cloudControl = new CloudControlEmulator(world, clock, this.random);
    this.eventBridge = new EventBridgeEmulator(world, clock, model.busNames, where, (envelope, busName) => this.route(envelope, busName));
    this.serviceCatalog = new ServiceCatalogEmulator(world, clock, world.seed);
    this.provisionedProducts = new ProvisionedProductEmulator(world, clock, world.seed);
    this.partnerCentral = new PartnerCentralEmulator(world, clock, model.region);
    this.dynamodb = new DynamoDbEmulator(model.tableNames);
    this.sqs = new SqsEmulator(model.queueUrls);
    this.stepFunctions = new StepFunctionsEmulator(loadInterpreter(clock), clock, {
      onStateEntered: (execution, stateName, stateType) =>
        this.emit({ type: 'state', execution, stateName, stateType, polls: pollsOf(execution) }),
      onExecutionClosed: (execution) => {
        this.emit({ type: 'execution-closed', execution });
        this.announceStatusChange(execution);
      },
    });
    server.register('CloudApiService', this.cloudControl.operations());
    server.register('AWSEvents', this.eventBridge.operations());
    server.register('AWSStepFunctions', this.stepFunctions.operations());
    server.register('AWS242ServiceCatalogService', { ...this.serviceCatalog.operations(), ...this.provisionedProducts.operations() });
    server.register('PartnerCentralChannel', this.partnerCentral.operations());
    server.register('DynamoDB_20120810', this.dynamodb.operations());
    server.register('AmazonSQS', this.sqs.operations());

    const clientConfig = {
      endpoint: url,
      region: model.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      // The SDK's own retries (3 attempts) as in production, minus the wall-clock waits between them:
      // locally, time is the virtual clock's, and a second of wall time per throttled call adds up.
      retryStrategy: new ConfiguredRetryStrategy(3, () => 5),
      requestHandler: server.inProcessHandler(),
    };
    this.clients = {
      cloudControl: new CloudControlClient(clientConfig),
      eventBridge: new EventBridgeClient(clientConfig),
      serviceCatalog: new ServiceCatalogClient(clientConfig),
      partnerCentral: new PartnerCentralChannelClient(clientConfig),
      sfn: new SFNClient(clientConfig),
      dynamodb: new DynamoDBClient(clientConfig),
      sqs: new SQSClient(clientConfig),
    };
    // Handler logs go to stderr locally (stdout carries the events `shepherd run --json` prints), or into logLines.
    const sink = logLevel === 'CAPTURE' ? new Writable({ write: (chunk, _encoding, done) => (this.logLines.push(String(chunk)), done()) }) : process.stderr;
    const console = new Console({ stdout: sink, stderr: sink });
    this.newLogger = () => {
      const logger = new Logger({ serviceName: 'shepherd', logLevel: (logLevel === 'CAPTURE' ? 'DEBUG' : logLevel) as never });
      (logger as unknown as { console: Console }).console = console;
      return logger;
    };

    for (const sm of Object.values(model.stateMachines)) {
      const tasks: TaskHandlers = {};
      for (const [stateName, fnKey] of Object.entries(sm.taskFunctions)) {
        tasks[stateName] = (input) => this.invoke(fnKey, input);
      }
      this.stepFunctions.addStateMachine(sm.arn, sm.name, sm.definition, tasks);
    }
  }

  static async start(options: LocalStackOptions = {}): Promise<LocalStack> {
    const world = parseWorld(options.world ?? {});
    const model = loadServiceModel(options.root);
    const clock = new VirtualClock({ start: world.clock.start ? new Date(world.clock.start) : undefined, speed: world.clock.speed });
    const server = new AwsServer(clock);
    server.injectFaults(world.faults, seededRandom(world.seed + 1));
    const url = await server.start();
    return new LocalStack(model, world, url, server, clock, options.logLevel ?? 'SILENT', options.environment ?? {});
  }

  on(listener: (event: StackEvent) => void): void {
    this.listeners.push(listener);
  }

  private emit(event: StackEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** The bus Shepherd's requests and events travel on. */
  get busName(): string {
    return this.model.busNames.find((name) => name !== 'default') ?? 'default';
  }

  /** Publishes request events through the real EventBridge client, as a platform team's automation would. */
  putEvents(entries: PutEventsRequestEntry[]): Promise<PutEventsCommandOutput> {
    return this.clock.track(() =>
      this.clients.eventBridge.send(new PutEventsCommand({ Entries: entries.map((e) => ({ EventBusName: this.busName, ...e })) })),
    );
  }

  /** Delivers a complete envelope (with its own id) to the bus: how a redelivery looks. */
  inject(envelope: EventEnvelope, busName = this.busName): void {
    void this.clock.track(async () => this.eventBridge.inject(envelope, busName));
  }

  /** Everything on the bus. */
  get events(): EventEnvelope[] {
    return this.eventBridge.events.map((e) => e.envelope);
  }

  /** Events Shepherd emitted. */
  get emitted(): EventEnvelope[] {
    return this.events.filter((e) => e.source === SHEPHERD_SOURCE);
  }

  /** Resolves when every request has run to its end: nothing busy, no timer pending, no execution running. */
  async settle(): Promise<void> {
    for (;;) {
      await this.clock.idle();
      const running = [...this.stepFunctions.executions.values()].filter((e) => e.status === 'RUNNING');
      if (running.length === 0) return;
      await Promise.race([Promise.all(running.map((e) => e.done)), this.clock.idle()]);
      if (running.every((e) => e.status === 'RUNNING') && this.clock.pendingTimers === 0) {
        const names = running.map((e) => `${e.name} (${e.currentState ?? '?'})`).join(', ');
        throw new Error(`executions are running with nothing left to wake them: ${names}`);
      }
    }
  }

  async stop(): Promise<void> {
    this.clock.stop();
    Object.values(this.clients).forEach((client) => client.destroy());
    await this.server.stop();
  }

  private portsFor(fn: FunctionModel): Ports {
    return {
      ...this.clients,
      clock: this.clock,
      random: this.random,
      // Pauses inside one invocation (PutEvents retries) shrink too: the logic is what runs locally, not the wait.
      sleep: (ms: number) => realSleep(Math.ceil(ms / 50)),
      config: configFromEnv({ ...fn.environment, ...this.environment }),
      // Each function instance gets its own logger, so concurrent invocations keep their own context.
      logger: this.newLogger(),
      // The function's module picks its ledger (defineHandler options), as in production.
      ledger: noLedger,
    };
  }

  /**
   * A warm instance of the function, as Lambda keeps them: one invocation at
   * a time per instance, a new instance (its own ports and logger) when all
   * are busy. Sharing one instance across concurrent invocations would mix
   * their log context (requestId, function name).
   */
  private acquire(fnKey: string): LambdaHandler<unknown, unknown> {
    const warm = this.idleHandlers.get(fnKey)?.pop();
    if (warm) return warm;
    const fn = this.model.functions[fnKey];
    if (!fn) throw new Error(`no function ${fnKey} in serverless.yml`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(fn.modulePath) as { build?: (ports: Ports) => LambdaHandler<unknown, unknown> };
    if (typeof module.build !== 'function') throw new Error(`${fn.modulePath} does not export build(ports) (use defineHandler)`);
    return module.build(this.portsFor(fn));
  }

  private release(fnKey: string, handler: LambdaHandler<unknown, unknown>): void {
    this.idleHandlers.set(fnKey, [...(this.idleHandlers.get(fnKey) ?? []), handler]);
  }

  /** Invokes a function as Lambda would: JSON in, JSON out, errors reported by name. */
  invoke(fnKey: string, payload: unknown): Promise<unknown> {
    return this.clock.track(async () => {
      this.invocations.set(fnKey, (this.invocations.get(fnKey) ?? 0) + 1);
      const body = JSON.stringify(payload ?? null);
      if (Buffer.byteLength(body) > LAMBDA_SYNC_PAYLOAD_LIMIT) {
        throw Object.assign(new Error('Request must be smaller than 6291456 bytes'), { name: 'Lambda.RequestTooLargeException' });
      }
      const fn = this.model.functions[fnKey]!;
      const context = lambdaContext(fn.name, fn.arn);
      const handler = this.acquire(fnKey);
      try {
        const result = await handler(JSON.parse(body), context);
        const crash = this.world.lambdaFaults.find((f) => f.function === fnKey && (this.crashes.get(fnKey) ?? 0) < f.times);
        if (crash) {
          // The work is done, but the answer never reaches Step Functions.
          this.crashes.set(fnKey, (this.crashes.get(fnKey) ?? 0) + 1);
          throw Object.assign(new Error(`${fn.name} timed out after doing its work (injected)`), { name: 'States.Timeout' });
        }
        return result === undefined ? null : JSON.parse(JSON.stringify(result));
      } catch (error) {
        throw lambdaError(error);
      } finally {
        this.release(fnKey, handler);
      }
    });
  }

  private statusChangesDropped = 0;
  /** Injected crashes so far, by function. */
  readonly crashes = new Map<string, number>();

  /**
   * Step Functions' "Execution Status Change" event on the default bus, which
   * it sends best-effort: the world can drop some, as the service may.
   */
  private announceStatusChange(execution: EmulatedExecution): void {
    const drop = this.world.stepFunctions.dropStatusChangeEvents;
    if (drop === true || (typeof drop === 'number' && this.statusChangesDropped < drop)) {
      this.statusChangesDropped++;
      return;
    }
    const envelope: EventEnvelope = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: this.model.accountId,
      time: eventTime(this.clock.now()),
      region: this.model.region,
      resources: [execution.executionArn],
      detail: {
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status: execution.status,
        startDate: execution.startDate.getTime(),
        stopDate: execution.stopDate?.getTime() ?? null,
        input: execution.input,
        output: execution.output ?? null,
        error: execution.error ?? null,
        cause: execution.cause ?? null,
      },
    };
    void this.clock.track(async () => this.eventBridge.inject(envelope, 'default'));
  }

  /** An accepted event: announce it, then deliver it to every rule whose pattern matches, asynchronously. */
  private route(envelope: EventEnvelope, busName: string): void {
    this.emit({ type: 'event', busName, envelope });
    for (const rule of this.model.rules) {
      if (rule.busName !== busName || !matchesPattern(rule.pattern, envelope)) continue;
      if (rule.logGroupName !== undefined) {
        this.logGroups.set(rule.logGroupName, [...(this.logGroups.get(rule.logGroupName) ?? []), envelope]);
        continue;
      }
      void this.clock.track(() => this.deliver(rule.functionKey, envelope));
    }
  }

  /**
   * Asynchronous invocation: Lambda retries a failing function after about
   * one, then two minutes (virtual time), then the event goes to the
   * dead-letter queue.
   */
  private async deliver(fnKey: string, envelope: EventEnvelope, attempt = 0): Promise<void> {
    try {
      await this.invoke(fnKey, envelope);
    } catch (error) {
      if (attempt < this.model.functions[fnKey]!.maximumRetryAttempts) {
        // Scheduled, not awaited: the clock only moves once nothing is busy.
        this.clock.setTimeout(() => void this.clock.track(() => this.deliver(fnKey, envelope, attempt + 1)), ASYNC_RETRY_DELAYS_MS[attempt] ?? 120_000);
        return;
      }
      const letter = { functionKey: fnKey, envelope, error: (error as Error).message };
      this.deadLetters.push(letter);
      this.emit({ type: 'dead-letter', ...letter });
    }
  }
}

/** Polls so far, read from the progress record (`operation`, `share`, `access`) the execution last wrote. */
function pollsOf(execution: EmulatedExecution): number | undefined {
  for (let i = execution.history.length - 1; i >= 0; i--) {
    const output = (execution.history[i]!.stateExitedEventDetails as { output?: string } | undefined)?.output;
    if (!output) continue;
    const state = JSON.parse(output) as Record<string, { polls?: unknown } | undefined>;
    for (const key of ['operation', 'share', 'access']) {
      if (typeof state[key]?.polls === 'number') return state[key].polls;
    }
    return undefined;
  }
  return undefined;
}
