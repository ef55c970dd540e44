/**
 * The embedded local stack: Shepherd on one machine with no AWS account.
 *
 * It reads serverless.yml (rules, queues, functions, schedules, state
 * machines), runs the same ASL files in aws-local-stepfunctions with the real
 * handlers bound to their Task states, and serves the AWS APIs from
 * emulators the real SDK clients reach in-process. What AWS does between the
 * pieces is done here as AWS documents it:
 *
 * - Lambda: one instance per concurrent invocation (warm ones reused), each
 *   with its own SDK clients and logger; the function's timeout enforced on
 *   virtual time (Sandbox.Timedout, and the instance is frozen for good);
 *   crashes, hangs and refused invocations from the world's lambdaFaults.
 * - EventBridge rules: to a queue, a log group, or a function (asynchronous
 *   invocation: EventBridge retries refused deliveries under the rule's retry
 *   policy, Lambda retries function errors twice, then the dead-letter queue).
 * - Lambda's SQS event source mapping: batches, partial batch responses,
 *   visibility timeouts, the redrive policy.
 * - Schedules (`rate(...)`) on background timers.
 *
 * Everything runs on one virtual clock (clock.ts), and every source of
 * randomness is seeded by the world, so a run repeats for its seed.
 */
import { CloudControlClient } from '@aws-sdk/client-cloudcontrol';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { PartnerCentralChannelClient } from '@aws-sdk/client-partnercentral-channel';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { SHEPHERD_SOURCE } from '../../shared/contracts/events';
import { guardrailsFor } from '../../shared/guardrails';
import { configFromEnv } from '../../shared/runtime/config';
import type { LambdaHandler } from '../../shared/runtime/lambda';
import { noLedger } from '../../shared/runtime/ledger';
import { DYNAMODB_REQUEST_TIMEOUT_MS } from '../../shared/runtime/clients/defaults';
import type { Clients, Ports } from '../../shared/runtime/ports';
import { workflowOf } from '../../shared/workflow/names';
import { spokeActions, spokeCallers, spokeRole } from '../../shared/workflow/spoke';
import { WORKFLOWS } from '../../shared/workflows';
import { AwsServer, type CallContext } from '../emulators/aws-server';
import { VirtualClock, type Activity } from '../emulators/clock';
import { CloudControlEmulator, defaultExecutionRoles } from '../emulators/cloud-control';
import { DynamoDbEmulator } from '../emulators/dynamodb';
import { SqsEmulator, type ReceivedMessage } from '../emulators/sqs';
import { EventBridgeEmulator, envelopeJson, eventTime, type EventEnvelope } from '../emulators/event-bridge';
import { PartnerCentralEmulator } from '../emulators/partner-central';
import { ProvisionedProductEmulator } from '../emulators/provisioned-products';
import { ServiceCatalogEmulator } from '../emulators/service-catalog';
import { StsEmulator, type AssumableRole, type SessionIdentity } from '../emulators/sts';
import { StepFunctionsEmulator, type EmulatedExecution, type TaskHandlers } from '../emulators/step-functions';
import { FaultSchedule } from '../emulators/faults';
import { transformInput } from '../emulators/input-transformer';
import { loadInterpreter } from '../emulators/interpreter';
import { lambdaContext } from './lambda-context';
import { SinkLogger } from './logger';
import { assertValidPattern, matchesPattern } from '../emulators/pattern-matcher';
import { virtualTimeRetryStrategy } from './sdk-retry';
import { loadServiceModel, type FunctionModel, type QueueSourceModel, type RuleModel, type ServiceModel } from '../../tooling/serverless-config';
import { parseWorld, type World, type WorldInput } from '../emulators/world';

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
  | ({ type: 'dead-letter' } & DeadLetter);

/** Something that reached a dead-letter queue, and why. */
export interface DeadLetter {
  /** The dead-letter queue it went to (when one is configured). */
  queueName?: string;
  /** The function that could not handle it, when it was a function's. */
  functionKey?: string;
  /** The event, when it was one. */
  envelope?: EventEnvelope;
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

/** UUID-shaped ids from a seeded random. */
export function seededIds(random: () => number): () => string {
  const hex = () => Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return () => {
    const h = hex() + hex() + hex() + hex();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
}

/** A Lambda function error as Step Functions, SQS and EventBridge see it: the error type, and a JSON cause. */
function functionError(errorType: string, errorMessage: string): Error {
  const reported = new Error(JSON.stringify({ errorType, errorMessage }));
  reported.name = errorType;
  return reported;
}

/** An error thrown by a handler, reported the way the Node.js runtime reports it. */
function handlerError(error: unknown): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  return functionError(e.name, e.message);
}

/** Errors of the Invoke API itself: nothing ran. */
const INVOKE_REFUSALS = new Set(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Lambda.RequestTooLargeException']);

const LAMBDA_SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
/** Lambda retries a failing asynchronous invocation after about one, then two minutes. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];
/** Batches an event source mapping has in flight per queue at most. */
const MAX_CONCURRENT_BATCHES = 20;
/** Schedules that keep failing: after this many runs in a row (ten days of 15-minute runs), settle gives up. */
const MAX_FAILED_SCHEDULED_RUNS = 1000;

/**
 * One Lambda execution environment: a handler with its own ports, running
 * one invocation at a time. Killed (after a timeout or a crash) it is never
 * used again, and the code it was running never wakes up.
 */
class LambdaInstance {
  dead = false;
  activity: Activity | undefined;
  handler!: LambdaHandler<unknown, unknown>;

  constructor(
    readonly fn: FunctionModel,
    private readonly clock: VirtualClock,
  ) {}

  /** Waits on virtual time, idle meanwhile; never wakes once the instance is dead. */
  readonly sleep = (ms: number): Promise<void> => {
    if (this.dead) return new Promise(() => undefined);
    if (!this.activity) return new Promise((resolve) => this.clock.setTimeout(() => resolve(), ms));
    return this.clock.sleep(ms, this.activity);
  };

  /** The instance's calls: subject to the world's faults, frozen once the instance is dead. */
  readonly calls: CallContext = {
    subjectToFaults: true,
    alive: () => !this.dead,
    waitForRequestTimeout: (ms: number) => this.sleep(ms),
  };

  kill(): void {
    this.dead = true;
    this.activity?.end();
  }
}

export class LocalStack {
  readonly clock: VirtualClock;
  readonly server: AwsServer;
  readonly cloudControl: CloudControlEmulator;
  readonly eventBridge: EventBridgeEmulator;
  readonly serviceCatalog: ServiceCatalogEmulator;
  readonly sts: StsEmulator;
  readonly provisionedProducts: ProvisionedProductEmulator;
  readonly partnerCentral: PartnerCentralEmulator;
  readonly dynamodb: DynamoDbEmulator;
  readonly sqs: SqsEmulator;
  readonly stepFunctions: StepFunctionsEmulator;
  readonly deadLetters: DeadLetter[] = [];
  readonly invocations = new Map<string, number>();
  /** Every structured log line the handlers wrote, when started with logLevel 'CAPTURE'. */
  readonly logLines: string[] = [];
  /** What rules delivered to log groups (e.g. requests the stage does not accept): the event, or what the target's input transformer made of it. */
  readonly logGroups = new Map<string, unknown[]>();
  /** Lambda faults struck so far, by function. */
  readonly lambdaFaults: FaultSchedule<World['lambdaFaults'][number]>;
  private readonly listeners: Array<(event: StackEvent) => void> = [];
  /** Who signs with which access key: the emulators' view of IAM principals. */
  private readonly identities = new Map<string, SessionIdentity>();
  /** The producers' clients (publishing requests as a platform team's automation would, outside the world's faults), by principal ARN. */
  private readonly producers = new Map<string, EventBridgeClient>();
  private readonly idleInstances = new Map<string, LambdaInstance[]>();
  private readonly random: () => number;
  private readonly newId: () => string;
  /** A logger per function instance, all writing to the same sink. */
  private readonly newLogger: () => SinkLogger;
  private readonly pollers = new Map<string, { fnKey: string; source: QueueSourceModel; inFlight: number; polling: boolean; timer?: number; timerAt?: number }>();
  /**
   * Which unsuccessful close each scheduled function's last successful run
   * started after (closes are counted, not timed: two can share a virtual
   * millisecond), and how many runs in a row failed.
   */
  private readonly scheduled = new Map<string, { closesSeenAtLastSuccess: number; failuresInARow: number }>();
  private unsuccessfulCloses = 0;
  private scheduleWanted = false;

  private constructor(
    readonly model: ServiceModel,
    readonly world: World,
    server: AwsServer,
    clock: VirtualClock,
    logLevel: string,
    /** Set on every function over serverless.yml's. */
    private readonly environment: Record<string, string>,
  ) {
    this.clock = clock;
    this.server = server;
    this.random = seededRandom(world.seed);
    this.newId = seededIds(seededRandom(world.seed + 2));
    this.lambdaFaults = new FaultSchedule(world.lambdaFaults, clock, seededRandom(world.seed + 3), 1);
    const where = { region: model.region, accountId: model.accountId };
    this.cloudControl = new CloudControlEmulator(world, clock, this.random, {
      accountId: model.accountId,
      identify: (caller) => this.identities.get(caller.accessKeyId),
      // A world without roles has the stage's default execution role, allowed to manage every type.
      roles: world.iam.roles ?? defaultExecutionRoles(model.stage),
    });
    this.eventBridge = new EventBridgeEmulator(
      world, clock, model.busNames, where, (envelope, busName) => this.route(envelope, busName), this.newId,
      (caller) => this.identities.get(caller.accessKeyId), model.busPolicies,
    );
    // Every function signs as its own role; the producers as the world's producer (or whoever a test sends as).
    for (const fn of Object.values(model.functions)) {
      this.identities.set(functionAccessKey(fn.key), { principalArn: fn.roleArn, account: model.accountId, policy: fn.policy });
    }
    this.serviceCatalog = new ServiceCatalogEmulator(world, clock, world.seed, (caller) => this.identities.get(caller.accessKeyId));
    this.sts = new StsEmulator(
      clock, world.seed, (roleArn) => this.assumableRole(roleArn), (caller) => this.identities.get(caller.accessKeyId),
      (accessKeyId, identity) => void this.identities.set(accessKeyId, identity),
    );
    this.provisionedProducts = new ProvisionedProductEmulator(world, clock, world.seed);
    this.partnerCentral = new PartnerCentralEmulator(world, clock, model.region);
    this.dynamodb = new DynamoDbEmulator(model.tableNames);
    this.sqs = new SqsEmulator(model.queues, clock);
    this.stepFunctions = new StepFunctionsEmulator(
      loadInterpreter(clock, seededRandom(world.seed + 4)),
      clock,
      {
        onStateEntered: (execution, stateName, stateType) =>
          this.emit({ type: 'state', execution, stateName, stateType, polls: pollsOf(execution) }),
        onExecutionClosed: (execution) => {
          if (execution.status !== 'SUCCEEDED') this.unsuccessfulCloses++;
          this.emit({ type: 'execution-closed', execution });
          this.announceStatusChange(execution);
        },
      },
      this.newId,
    );
    server.register('CloudApiService', this.cloudControl.operations());
    server.register('AWSEvents', this.eventBridge.operations());
    server.register('AWSStepFunctions', this.stepFunctions.operations());
    server.register('AWS242ServiceCatalogService', { ...this.serviceCatalog.operations(), ...this.provisionedProducts.operations() });
    server.register('PartnerCentralChannel', this.partnerCentral.operations());
    server.register('sts', this.sts.operations());
    server.register('DynamoDB_20120810', this.dynamodb.operations());
    server.register('AmazonSQS', this.sqs.operations());

    // Handler logs go to stderr locally (stdout carries the events `shepherd run --json` prints), or into logLines.
    const sink = logLevel === 'CAPTURE' ? (line: string) => void this.logLines.push(line) : (line: string) => void process.stderr.write(line);
    this.newLogger = () => new SinkLogger({ serviceName: 'shepherd', logLevel: (logLevel === 'CAPTURE' ? 'DEBUG' : logLevel) as never }, sink);

    for (const sm of Object.values(model.stateMachines)) {
      const tasks: TaskHandlers = {};
      for (const [stateName, fnKey] of Object.entries(sm.taskFunctions)) {
        tasks[stateName] = (input) => this.invoke(fnKey, input);
      }
      this.stepFunctions.addStateMachine(sm.arn, sm.name, sm.definition, tasks);
    }
    this.startEventSourceMappings();
    this.startSchedules();
    this.clock.backgroundWanted = () => this.scheduleWanted;
  }

  /**
   * The role an ARN names in the world's other accounts: the ones `accounts` lists, or (without `accounts`) the
   * stage's spoke role in every account, as the repo's template writes it (shared/workflow/spoke.ts).
   */
  private assumableRole(roleArn: string): AssumableRole | undefined {
    const [, partition, , , account, resource] = /^arn:([^:]+):(iam)::()([0-9]{12}):role\/(.+)$/.exec(roleArn) ?? [];
    if (!partition || !account || !resource || resource.includes('/')) return undefined;
    const template = this.spokeTemplate(partition);
    const asPolicy = (actions: readonly string[]) => (actions.length ? [{ Effect: 'Allow' as const, Action: [...actions], Resource: '*' }] : []);
    if (this.world.accounts === undefined) {
      if (!template || resource !== template.roleName) return undefined;
      return { account, name: resource, trust: template.trust, permissions: asPolicy(template.actions), maxSessionSeconds: 3600 };
    }
    const role = this.world.accounts[account]?.roles[resource];
    if (!role) return undefined;
    return { account, name: resource, trust: role.trust ?? template?.trust ?? [], permissions: asPolicy(role.allows ?? spokeActions()), maxSessionSeconds: role.maxSessionSeconds };
  }

  private readonly spokeTemplates = new Map<string, { roleName: string; trust: AssumableRole['trust']; actions: string[] } | undefined>();

  /** The stage's spoke role as the repo's template writes it, in a partition (once: the stage and the functions do not change). */
  private spokeTemplate(partition: string) {
    if (!this.spokeTemplates.has(partition)) {
      const spoke = guardrailsFor(this.model.stage).spoke;
      const trustedRoleArns = spokeCallers().map((key) => this.model.functions[key]?.roleArn).filter((arn) => arn !== undefined);
      this.spokeTemplates.set(
        partition,
        spoke && {
          roleName: spoke.roleName,
          trust: spokeRole({ partition, hubAccountId: this.model.accountId, externalId: spoke.externalId, trustedRoleArns }).trust as AssumableRole['trust'],
          actions: spokeActions(),
        },
      );
    }
    return this.spokeTemplates.get(partition);
  }

  static async start(options: LocalStackOptions = {}): Promise<LocalStack> {
    const world = parseWorld(options.world ?? {});
    const model = loadServiceModel(options.root);
    // PutRule refuses an invalid pattern, so the deployment would fail: fail here too, with its message.
    for (const rule of model.rules) {
      try {
        assertValidPattern(rule.pattern);
      } catch (error) {
        throw new Error(`serverless.yml: rule ${rule.name}: ${(error as Error).message}`, { cause: error });
      }
    }
    const clock = new VirtualClock({ start: world.clock.start ? new Date(world.clock.start) : undefined, speed: world.clock.speed });
    const server = new AwsServer(clock);
    server.injectFaults(world.faults, seededRandom(world.seed + 1));
    await server.start();
    return new LocalStack(model, world, server, clock, options.logLevel ?? 'SILENT', options.environment ?? {});
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

  /** The client that signs as this principal (an IAM role or user ARN; its account is the ARN's), one per principal. */
  private producerClient(principalArn: string): EventBridgeClient {
    const existing = this.producers.get(principalArn);
    if (existing) return existing;
    const accessKeyId = `producer.${this.producers.size}`;
    this.identities.set(accessKeyId, { principalArn, account: principalArn.split(':')[4]! });
    const client = new EventBridgeClient({
      endpoint: this.server.url,
      region: this.model.region,
      credentials: { accessKeyId, secretAccessKey: 'local' },
      maxAttempts: 1,
      requestHandler: this.server.inProcessHandler(),
    });
    this.producers.set(principalArn, client);
    return client;
  }

  /**
   * Publishes request events through the real EventBridge client, as a
   * platform team's automation would: as the world's producer, or `as` another
   * principal (the bus policy decides what each may send).
   */
  putEvents(entries: PutEventsRequestEntry[], options: { as?: string } = {}): Promise<PutEventsCommandOutput> {
    const client = this.producerClient(options.as ?? this.world.eventBridge.producer);
    return this.clock.track(() => client.send(new PutEventsCommand({ Entries: entries.map((e) => ({ EventBusName: this.busName, ...e })) })));
  }

  /** Delivers a complete envelope (with its own id) to the bus: how a redelivery looks. */
  inject(envelope: EventEnvelope, busName = this.busName): void {
    void this.clock.track(async () => this.eventBridge.inject(envelope, busName));
  }

  /** Everything on the bus. */
  get events(): EventEnvelope[] {
    return this.eventBridge.events.map((e) => e.envelope);
  }

  /**
   * Events Shepherd emitted: source `shepherd` on Shepherd's bus, where its bus policy lets only Shepherd's
   * roles send it. (On the default bus anyone in the account may use any source; Shepherd never publishes there.)
   */
  get emitted(): EventEnvelope[] {
    return this.eventBridge.events.filter((e) => e.busName === this.busName && e.envelope.source === SHEPHERD_SOURCE).map((e) => e.envelope);
  }

  /**
   * Resolves when every request has run to its end: nothing busy, no timer
   * pending, no execution running, no message waiting in a queue Lambda
   * polls — and, when an execution closed without success, the sweep has
   * run on its schedule since (it is what rescues a terminal event that
   * nothing else sent).
   */
  async settle(): Promise<void> {
    for (;;) {
      await this.clock.idle();
      const running = [...this.stepFunctions.executions.values()].filter((e) => e.status === 'RUNNING');
      if (running.length > 0) {
        await Promise.race([Promise.all(running.map((e) => e.done)), this.clock.idle()]);
        if (running.every((e) => e.status === 'RUNNING') && this.clock.pendingTimers === 0) {
          const names = running.map((e) => `${e.name} (${e.currentState ?? '?'})`).join(', ');
          throw new Error(`executions are running with nothing left to wake them: ${names}`);
        }
        continue;
      }
      if (this.sweepOwed()) {
        const failing = [...this.scheduled.values()].some((s) => s.failuresInARow >= MAX_FAILED_SCHEDULED_RUNS);
        if (failing) throw new Error(`a scheduled function failed ${MAX_FAILED_SCHEDULED_RUNS} runs in a row; the run cannot settle`);
        this.scheduleWanted = true;
        continue;
      }
      return;
    }
  }

  /** An execution closed without success after the last run of some schedule started. */
  private sweepOwed(): boolean {
    return [...this.scheduled.values()].some((s) => s.closesSeenAtLastSuccess < this.unsuccessfulCloses);
  }

  async stop(): Promise<void> {
    this.clock.stop();
    for (const client of this.producers.values()) client.destroy();
    await this.server.stop();
  }

  private portsFor(fn: FunctionModel, instance: LambdaInstance, clientNames: readonly string[]): Ports {
    // Each instance builds its own clients, as a Lambda container does: its own retry quota, its own fate.
    const clientConfig = {
      endpoint: this.server.url,
      region: this.model.region,
      credentials: { accessKeyId: functionAccessKey(fn.key), secretAccessKey: 'local' },
      retryStrategy: virtualTimeRetryStrategy(instance.sleep, this.random),
      requestHandler: this.server.inProcessHandler(instance.calls),
    };
    const ports = {
      clock: this.clock,
      random: this.random,
      sleep: instance.sleep,
      config: configFromEnv({ ...fn.environment, ...this.environment }),
      // Each function instance gets its own logger, so concurrent invocations keep their own context.
      logger: this.newLogger(),
      // The function's module picks its ledger (defineHandler options), as in production.
      ledger: noLedger,
      invocation: { remainingMs: () => fn.timeoutSeconds * 1000 },
    } as unknown as Ports;
    // Only the clients the function declares (defineHandler's `clients`), as its bundle holds only those; each built
    // on first use: most functions call one or two services, and a burst of invocations builds many instances.
    const clients: { [K in keyof Clients]: () => Clients[K] } = {
      cloudControl: () => new CloudControlClient(clientConfig),
      eventBridge: () => new EventBridgeClient(clientConfig),
      serviceCatalog: () => new ServiceCatalogClient(clientConfig),
      partnerCentral: () => new PartnerCentralChannelClient(clientConfig),
      sfn: () => new SFNClient(clientConfig),
      dynamodb: () => new DynamoDBClient({ ...clientConfig, requestHandler: this.server.inProcessHandler(instance.calls, DYNAMODB_REQUEST_TIMEOUT_MS) }),
      sqs: () => new SQSClient(clientConfig),
      sts: () => new STSClient(clientConfig),
      // Clients that sign as another principal (a role assumed in another account): the same endpoint and faults.
      serviceCatalogWith: () => (credentials) => new ServiceCatalogClient({ ...clientConfig, credentials }),
    };
    for (const [name, build] of Object.entries(clients)) {
      if (!clientNames.includes(name)) continue;
      let client: unknown;
      Object.defineProperty(ports, name, { enumerable: true, get: () => (client ??= build!()) });
    }
    return ports;
  }

  /** A warm instance of the function, or a new one when all are busy or dead. */
  private acquire(fnKey: string): LambdaInstance {
    const warm = this.idleInstances.get(fnKey)?.pop();
    if (warm) return warm;
    const fn = this.model.functions[fnKey];
    if (!fn) throw new Error(`no function ${fnKey} in serverless.yml`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(fn.modulePath) as { build?: (ports: Ports) => LambdaHandler<unknown, unknown>; clients?: readonly string[] };
    if (typeof module.build !== 'function' || !Array.isArray(module.clients)) throw new Error(`${fn.modulePath} does not export build(ports) and clients (use defineHandler)`);
    const instance = new LambdaInstance(fn, this.clock);
    instance.handler = module.build(this.portsFor(fn, instance, module.clients));
    return instance;
  }

  private release(fnKey: string, instance: LambdaInstance): void {
    const idle = this.idleInstances.get(fnKey);
    if (idle) idle.push(instance);
    else this.idleInstances.set(fnKey, [instance]);
  }

  /**
   * Invokes a function as Lambda would: JSON in, JSON out, errors reported by
   * type; the function's timeout enforced; the world's Lambda faults applied.
   */
  invoke(fnKey: string, payload: unknown): Promise<unknown> {
    const fn = this.model.functions[fnKey];
    if (!fn) return Promise.reject(new Error(`no function ${fnKey} in serverless.yml`));
    this.invocations.set(fnKey, (this.invocations.get(fnKey) ?? 0) + 1);
    const fault = this.lambdaFaults.strike((f) => f.function === fnKey || f.function === '*', fnKey);
    if (fault?.fault === 'unavailable') return Promise.reject(functionError('Lambda.ServiceException', 'Lambda is unable to process the request (injected)'));
    if (fault?.fault === 'throttled') return Promise.reject(functionError('Lambda.TooManyRequestsException', 'Rate Exceeded. (injected)'));
    const body = JSON.stringify(payload ?? null);
    if (Buffer.byteLength(body) > LAMBDA_SYNC_PAYLOAD_LIMIT) {
      return Promise.reject(functionError('Lambda.RequestTooLargeException', 'Request must be smaller than 6291456 bytes for the InvokeFunction operation'));
    }
    const instance = this.acquire(fnKey);
    const activity = this.clock.begin();
    instance.activity = activity;
    const requestId = this.newId();
    const startedAt = this.clock.nowMillis();
    const timeoutMs = fn.timeoutSeconds * 1000;
    const context = lambdaContext(fn.name, fn.arn, { awsRequestId: requestId, remainingMs: () => Math.max(0, startedAt + timeoutMs - this.clock.nowMillis()) });
    return new Promise((resolve, reject) => {
      let finished = false;
      const finish = (settle: () => void, keepWarm: boolean) => {
        if (finished) return;
        finished = true;
        this.clock.clearTimeout(timer);
        instance.activity = undefined;
        activity.end();
        if (keepWarm) this.release(fnKey, instance);
        else instance.kill();
        settle();
      };
      const timer = this.clock.setTimeout(
        () => finish(() => reject(functionError('Sandbox.Timedout', `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`)), false),
        timeoutMs,
      );
      const crash = () => finish(() => reject(functionError('Runtime.ExitError', `RequestId: ${requestId} Error: Runtime exited with error: signal: killed (injected)`)), false);
      if (fault && fault.when === 'before') {
        if (fault.fault === 'crash') return crash();
        return activity.pause(); // hangs before doing anything, until its timeout
      }
      instance.handler(JSON.parse(body), context).then(
        (result) => {
          if (fault?.fault === 'crash') return crash();
          if (fault?.fault === 'hang') return activity.pause(); // did its work, then never returns
          finish(() => resolve(result === undefined ? null : JSON.parse(JSON.stringify(result))), true);
        },
        // A handled error: the environment lives on.
        (error: unknown) => finish(() => reject(handlerError(error)), true),
      );
    });
  }

  private statusChangesDropped = 0;
  /** Lambda faults struck so far, by function (crashes, hangs, refusals). */
  get crashes(): Map<string, number> {
    return this.lambdaFaults.struck;
  }

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
      id: this.newId(),
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

  /** An accepted event: announce it, then deliver it to every rule whose pattern matches. */
  private route(envelope: EventEnvelope, busName: string): void {
    this.emit({ type: 'event', busName, envelope });
    for (const rule of this.model.rules) {
      if (rule.busName !== busName || !matchesPattern(rule.pattern, envelope)) continue;
      if (rule.logGroupName !== undefined) {
        this.deliverToLogGroup(rule, rule.logGroupName, envelope, busName);
      } else if (rule.queueName !== undefined) {
        this.deliverToQueue(rule, rule.queueName, envelope);
      } else {
        this.deliverAsync(rule.functionKey, envelope, rule);
      }
    }
  }

  /**
   * Asynchronous invocation, as EventBridge and Lambda do it: a refused
   * invocation (Lambda unavailable or throttled) is retried by EventBridge
   * under the rule's retry policy (exponential backoff with jitter), then
   * goes to the rule's dead-letter queue; a function error is retried by
   * Lambda about one, then two minutes later, then goes to the function's
   * on-failure destination.
   */
  private deliverAsync(
    fnKey: string,
    envelope: EventEnvelope,
    rule: Pick<RuleModel, 'maximumRetryAttempts' | 'maximumEventAgeSeconds' | 'deadLetterQueueName' | 'name'>,
    onSuccess: () => void = () => undefined,
    onFailure: () => void = () => undefined,
  ): void {
    const firstAt = this.clock.nowMillis();
    // Not inside clock.track: the invocation counts as busy by itself, and must be idle while it sleeps.
    const attempt = (deliveries: number, functionErrors: number) => {
      void (async () => {
        try {
          await this.invoke(fnKey, envelope);
          onSuccess();
        } catch (error) {
          const e = error as Error;
          if (INVOKE_REFUSALS.has(e.name)) {
            const age = this.clock.nowMillis() - firstAt;
            if (deliveries < rule.maximumRetryAttempts && age < rule.maximumEventAgeSeconds * 1000) {
              const delay = Math.round(Math.min(300_000, 1000 * 2 ** deliveries) * (0.5 + this.random() / 2));
              this.clock.setTimeout(() => attempt(deliveries + 1, functionErrors), delay);
              return;
            }
            onFailure();
            this.deadLetter({ queueName: rule.deadLetterQueueName, functionKey: fnKey, envelope, error: e.message }, JSON.stringify(envelope), {
              RULE_ARN: rule.name,
              ERROR_CODE: 'RETRIES_EXHAUSTED',
              ERROR_MESSAGE: e.message.slice(0, 256),
            });
            return;
          }
          const fn = this.model.functions[fnKey]!;
          if (functionErrors < fn.maximumRetryAttempts) {
            this.clock.setTimeout(() => attempt(deliveries, functionErrors + 1), ASYNC_RETRY_DELAYS_MS[functionErrors] ?? 120_000);
            return;
          }
          onFailure();
          const record = {
            version: '1.0',
            timestamp: this.clock.now().toISOString(),
            requestContext: { requestId: this.newId(), functionArn: `${fn.arn}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: functionErrors + 1 },
            requestPayload: envelope,
            responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
            responsePayload: safeJson(e.message),
          };
          this.deadLetter({ queueName: fn.onFailureQueueName, functionKey: fnKey, envelope, error: e.message }, JSON.stringify(record));
        }
      })();
    };
    attempt(0, 0);
  }

  /**
   * A queue target: SQS takes the event, or refuses it for good (a body it
   * does not allow: SQS refuses the Unicode noncharacters U+FFFE and U+FFFF,
   * which JSON and EventBridge let through). Retrying a refused body changes
   * nothing; EventBridge then tries the rule's dead-letter queue, which
   * refuses it too, and the event is lost — said here, as AWS would count it
   * (InvocationsFailedToBeSentToDlq), not swallowed.
   */
  private deliverToQueue(rule: RuleModel, queueName: string, envelope: EventEnvelope): void {
    const body = envelopeJson(envelope);
    try {
      this.sqs.enqueue(queueName, body);
      return;
    } catch (error) {
      const refused = `${queueName} refused the event: ${(error as Error).message}`;
      try {
        if (rule.deadLetterQueueName) this.sqs.enqueue(rule.deadLetterQueueName, body);
        this.deadLetters.push({ queueName: rule.deadLetterQueueName, envelope, error: refused });
        this.emit({ type: 'dead-letter', queueName: rule.deadLetterQueueName, envelope, error: refused });
      } catch (dlqError) {
        const lost = `${refused}; so did its dead-letter queue (${(dlqError as Error).name}): the event is lost`;
        this.deadLetters.push({ envelope, error: lost });
        this.emit({ type: 'dead-letter', envelope, error: lost });
      }
    }
  }

  /**
   * A log-group target: the event, or what the input transformer makes of it — which CloudWatch Logs takes
   * only as {"timestamp": string, "message": string} (PutTargets API reference; aws-cdk#20748). Values are
   * put into the template unescaped, as EventBridge does, so a hostile one can break the JSON: then the
   * delivery fails, and with no dead-letter queue the event is lost — said, not thrown out of the routing.
   */
  private deliverToLogGroup(rule: RuleModel, logGroupName: string, envelope: EventEnvelope, busName: string): void {
    let entry: unknown = envelope;
    if (rule.inputTransformer) {
      const ruleArn = `arn:aws:events:${this.model.region}:${this.model.accountId}:rule/${busName}/${rule.name}`;
      const text = transformInput(rule.inputTransformer, envelope, { name: rule.name, arn: ruleArn });
      try {
        entry = JSON.parse(text);
      } catch {
        entry = undefined;
      }
      const shaped = entry as { timestamp?: unknown; message?: unknown } | undefined;
      if (typeof shaped?.timestamp !== 'string' || typeof shaped?.message !== 'string' || Object.keys(shaped).length !== 2) {
        this.deadLetter({ envelope, error: `${logGroupName} refused the transformed event (CloudWatch Logs takes {"timestamp": string, "message": string}): ${text.slice(0, 200)}` }, text);
        return;
      }
    }
    this.logGroups.set(logGroupName, [...(this.logGroups.get(logGroupName) ?? []), entry]);
  }

  /** Records a dead letter and puts it on its queue, when one is configured. */
  private deadLetter(letter: DeadLetter, body: string, attributes: Record<string, string> = {}): void {
    this.deadLetters.push(letter);
    this.emit({ type: 'dead-letter', ...letter });
    if (letter.queueName) this.sqs.enqueue(letter.queueName, body, attributes);
  }

  // ---- Lambda's SQS event source mapping ----

  private startEventSourceMappings(): void {
    for (const fn of Object.values(this.model.functions)) {
      for (const source of fn.queueSources) {
        if (!this.model.queues[source.queueName]) throw new Error(`serverless.yml: ${fn.key} polls ${source.queueName}, which is not a queue of this service`);
        this.pollers.set(source.queueName, { fnKey: fn.key, source, inFlight: 0, polling: false });
      }
    }
    this.sqs.onMessageAvailable = (queueName, atMillis) => this.wake(queueName, atMillis);
    this.sqs.onDeadLettered = (message, from, to) => {
      let envelope: EventEnvelope | undefined;
      try {
        envelope = JSON.parse(message.body) as EventEnvelope;
      } catch {
        envelope = undefined;
      }
      const letter = { queueName: to, functionKey: this.pollers.get(from)?.fnKey, envelope, error: `received ${message.receiveCount} times from ${from} without success` };
      this.deadLetters.push(letter);
      this.emit({ type: 'dead-letter', ...letter });
    };
  }

  /** A message of a polled queue is (or will be at `atMillis`) receivable: poll now, or set a timer for then. */
  private wake(queueName: string, atMillis: number): void {
    const poller = this.pollers.get(queueName);
    if (!poller) return;
    const now = this.clock.nowMillis();
    if (atMillis <= now) {
      if (poller.polling) return;
      poller.polling = true;
      void this.clock.track(async () => {
        poller.polling = false;
        this.poll(queueName);
      });
      return;
    }
    if (poller.timer !== undefined && poller.timerAt! <= atMillis) return;
    if (poller.timer !== undefined) this.clock.clearTimeout(poller.timer);
    poller.timerAt = atMillis;
    poller.timer = this.clock.setTimeout(() => {
      poller.timer = undefined;
      this.wake(queueName, this.clock.nowMillis());
    }, atMillis - now);
  }

  private poll(queueName: string): void {
    const poller = this.pollers.get(queueName)!;
    while (poller.inFlight < MAX_CONCURRENT_BATCHES && this.sqs.hasVisible(queueName)) {
      const batch = this.sqs.receive(queueName, poller.source.batchSize);
      if (batch.length === 0) break;
      poller.inFlight++;
      void this.runBatch(queueName, batch).finally(() => {
        poller.inFlight--;
        this.wake(queueName, this.clock.nowMillis());
      });
    }
    this.armVisibilityTimer(queueName);
  }

  /** A timer for the moment the next in-flight message becomes visible again (a failed batch comes back). */
  private armVisibilityTimer(queueName: string): void {
    const next = this.sqs.nextVisibleAt(queueName);
    if (next !== undefined) this.wake(queueName, next);
  }

  /**
   * One batch, as the event source mapping handles it: a function error
   * leaves every message to come back after its visibility timeout; with
   * ReportBatchItemFailures the messages the function lists stay, the rest
   * are deleted; a malformed response fails the whole batch.
   */
  private async runBatch(queueName: string, batch: ReceivedMessage[]): Promise<void> {
    const poller = this.pollers.get(queueName)!;
    const queue = this.model.queues[queueName]!;
    const event = {
      Records: batch.map((m) => ({
        messageId: m.messageId,
        receiptHandle: m.receiptHandle,
        body: m.body,
        attributes: { ...m.attributes, SenderId: 'AIDAEVENTBRIDGE' },
        messageAttributes: Object.fromEntries(Object.entries(m.messageAttributes).map(([k, v]) => [k, { stringValue: v, dataType: 'String' }])),
        md5OfBody: m.md5OfBody,
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: this.model.region,
      })),
    };
    let response: unknown;
    try {
      response = await this.invoke(poller.fnKey, event);
    } catch {
      this.armVisibilityTimer(queueName);
      return;
    }
    let failed = new Set<string>();
    if (poller.source.reportBatchItemFailures) {
      const failures = (response as { batchItemFailures?: Array<{ itemIdentifier?: unknown }> } | null)?.batchItemFailures ?? [];
      const ids = new Set(batch.map((m) => m.messageId));
      if (!Array.isArray(failures) || failures.some((f) => typeof f?.itemIdentifier !== 'string' || !ids.has(f.itemIdentifier))) {
        failed = ids; // an invalid response fails the whole batch
      } else {
        failed = new Set(failures.map((f) => f.itemIdentifier as string));
      }
    }
    for (const m of batch) if (!failed.has(m.messageId)) this.sqs.delete(queueName, m.receiptHandle);
    this.armVisibilityTimer(queueName);
  }

  // ---- Schedules ----

  /** `schedule: rate(...)` events: a background timer per schedule, and the run recorded for settle. */
  private startSchedules(): void {
    for (const fn of Object.values(this.model.functions)) {
      for (const seconds of fn.scheduleSeconds) {
        const state = { closesSeenAtLastSuccess: 0, failuresInARow: 0 };
        this.scheduled.set(fn.key, state);
        const tick = () => {
          this.clock.setBackgroundTimeout(tick, seconds * 1000);
          this.scheduleWanted = false;
          const closesSeen = this.unsuccessfulCloses;
          const envelope: EventEnvelope = {
            version: '0',
            id: this.newId(),
            'detail-type': 'Scheduled Event',
            source: 'aws.events',
            account: this.model.accountId,
            time: eventTime(this.clock.now()),
            region: this.model.region,
            resources: [`arn:aws:events:${this.model.region}:${this.model.accountId}:rule/${fn.name}-schedule`],
            detail: {},
          };
          this.deliverAsync(
            fn.key,
            envelope,
            { name: `${fn.key}-schedule`, maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 },
            () => {
              state.closesSeenAtLastSuccess = Math.max(state.closesSeenAtLastSuccess, closesSeen);
              state.failuresInARow = 0;
            },
            () => state.failuresInARow++,
          );
        };
        this.clock.setBackgroundTimeout(tick, seconds * 1000);
      }
    }
  }
}

/** The access key a function's clients sign with: the emulators map it to the function's role. */
function functionAccessKey(fnKey: string): string {
  return `function.${fnKey}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { errorMessage: text };
  }
}

/** Each workflow's progress record (its declaration's `progressRecord`), by workflow name. */
const PROGRESS_RECORDS = new Map<string, string>(WORKFLOWS.map((workflow) => [workflow.name, workflow.progressRecord]));

/** Polls so far, read from the progress record of the execution's workflow, as the execution last wrote it. */
function pollsOf(execution: EmulatedExecution): number | undefined {
  const record = PROGRESS_RECORDS.get(workflowOf(execution.stateMachineArn, [...PROGRESS_RECORDS.keys()]) ?? '');
  if (!record) return undefined;
  for (let i = execution.history.length - 1; i >= 0; i--) {
    const output = (execution.history[i]!.stateExitedEventDetails as { output?: string } | undefined)?.output;
    if (!output) continue;
    const polls = (JSON.parse(output) as Record<string, { polls?: unknown } | undefined>)[record]?.polls;
    return typeof polls === 'number' ? polls : undefined;
  }
  return undefined;
}
