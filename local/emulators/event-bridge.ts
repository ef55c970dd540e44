/**
 * Emulated EventBridge PutEvents: the API's limits (1–10 entries, 256 KB,
 * a JSON-object Detail), the bus's resource policy evaluated for the
 * caller's identity on every entry, per-entry failures on request from the
 * world file (FailedEntryCount > 0 with a 200 answer, as the service does),
 * and every accepted event handed to the stack for rule matching.
 */
import type { Clock } from '../../shared/runtime/clock';
import { AwsError, type Caller, type ServiceOperations } from './aws-server';
import { evaluateResourcePolicy, type Identity } from './iam-policy';
import type { PolicyStatement } from '../../tooling/serverless-config';
import type { World } from './world';


export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export type EventSink = (envelope: EventEnvelope, busName: string) => void;

/**
 * "The total entry size must be less than 256KB" (EventBridge User Guide, "Calculating Amazon EventBridge PutEvents
 * event entry size", eb-putevent-size): a request whose entries measure 262,144 bytes or more is refused whole
 * (LocalStack AWS-validated snapshot test_put_event_with_too_big_detail: ValidationException "Total size of the
 * entries in the request is over the limit.").
 */
const MAX_REQUEST_BYTES = 256 * 1024;
/** botocore events PutEventsRequestEntry.DetailType: "Free-form string, with a maximum of 128 characters". */
const MAX_DETAIL_TYPE_CHARACTERS = 128;

/**
 * An entry's size as EventBridge counts it (User Guide eb-putevent-size, its getSize() sample): 14 bytes for Time
 * when present, the UTF-8 bytes of Source, DetailType, Detail and of each Resources entry. No JSON keys, quotes or
 * escapes count, and neither does EventBusName.
 */
function entrySize(raw: Record<string, unknown>): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  let size = raw.Time !== undefined && raw.Time !== null ? 14 : 0;
  size += bytes(raw.Source) + bytes(raw.DetailType) + bytes(raw.Detail);
  if (Array.isArray(raw.Resources)) for (const resource of raw.Resources) size += bytes(resource);
  return size;
}

/** The bus an EventBusName names: its name, or an ARN's account, region and name. */
function parseBusName(value: unknown): { name: string; account?: string; region?: string } {
  const text = String(value ?? 'default');
  const arn = /^arn:[^:]+:events:([^:]*):([^:]*):event-bus\/(.+)$/.exec(text);
  if (arn) return { region: arn[1], account: arn[2], name: arn[3]! };
  return { name: text };
}

/** The Detail text each accepted event came with, as the producer sent it (held beside the envelope). */
const detailTexts = new WeakMap<EventEnvelope, string>();

/**
 * The event as JSON text, as EventBridge delivers it to a queue. From the
 * Detail text the producer sent, not by serialising the parsed detail again:
 * a detail nested thousands deep is valid JSON EventBridge delivers, and
 * serialising it again would overflow the stack.
 */
export function envelopeJson(envelope: EventEnvelope): string {
  const detail = detailTexts.get(envelope);
  if (detail === undefined) return JSON.stringify(envelope);
  const { detail: _parsed, ...rest } = envelope;
  return `${JSON.stringify(rest).slice(0, -1)},"detail":${detail}}`;
}

/** EventBridge writes event times to the second. */
export function eventTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export class EventBridgeEmulator {
  /** Every event accepted on any bus, in order. */
  readonly events: Array<{ busName: string; envelope: EventEnvelope }> = [];
  /** Entries failed on purpose so far (world `eventBridge.failEntries`). */
  failedEntryCount = 0;

  constructor(
    private readonly world: World,
    private readonly clock: Clock,
    private readonly busNames: string[],
    private readonly where: { region: string; accountId: string },
    private readonly sink: EventSink,
    /** Event ids: seeded, so a run repeats. */
    private readonly newId: () => string = () => crypto.randomUUID(),
    /** Who signed a request; undefined for a key nobody was given (AWS: UnrecognizedClientException). */
    private readonly identify: (caller: Caller) => Identity | undefined = () => ({ principalArn: `arn:aws:iam::${where.accountId}:root`, account: where.accountId }),
    /** Each bus's resource policy (serverless.yml's AWS::Events::EventBusPolicy statements). */
    private readonly policies: Record<string, PolicyStatement[]> = {},
  ) {}

  operations(): ServiceOperations {
    return { PutEvents: (input, caller) => this.putEvents(input, caller) };
  }

  /** Puts a complete envelope on a bus, as if it had arrived there (keeps its id: redelivery tests). */
  inject(envelope: EventEnvelope, busName: string): void {
    this.events.push({ busName, envelope });
    this.sink(envelope, busName);
  }

  /**
   * The bus policy's answer for one entry. An explicit Deny keyed on the
   * source (or detail-type) fails the entry with NotAuthorizedForSource
   * (DetailType)Exception, any other refusal with AccessDeniedException: the
   * per-entry codes the PutEventsResultEntry reference lists. (Which code AWS
   * picks when several statements deny is not documented; the first is used.)
   */
  private refusal(identity: Identity, busName: string, raw: Record<string, unknown>): { ErrorCode: string; ErrorMessage: string } | undefined {
    const busArn = `arn:aws:events:${this.where.region}:${this.where.accountId}:event-bus/${busName}`;
    const decision = evaluateResourcePolicy(this.policies[busName] ?? [], this.where.accountId, {
      principalArn: identity.principalArn,
      principalAccount: identity.account,
      action: 'events:PutEvents',
      resource: busArn,
      keys: { 'events:source': String(raw.Source), 'events:detail-type': String(raw.DetailType) },
    });
    if (decision.allowed) return undefined;
    const keys = JSON.stringify(decision.statement?.Condition ?? {});
    if (keys.includes('"events:source"')) return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    if (keys.includes('"events:detail-type"')) return { ErrorCode: 'NotAuthorizedForDetailTypeException', ErrorMessage: 'Not authorized for the detail type.' };
    return { ErrorCode: 'AccessDeniedException', ErrorMessage: `User: ${identity.principalArn} is not authorized to perform: events:PutEvents on resource: ${busArn}` };
  }

  private putEvents(input: Record<string, unknown>, caller: Caller) {
    const identity = this.identify(caller);
    if (!identity) throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      throw new AwsError('ValidationException', "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10");
    }
    // Sized as AWS sizes entries (User Guide eb-putevent-size), not as the request's JSON: keys, quotes and escapes
    // do not count, so a pretty-printed Detail is its own bytes, not the doubled bytes of its escaped form.
    if (entries.reduce((total: number, raw: Record<string, unknown>) => total + entrySize(raw ?? {}), 0) >= MAX_REQUEST_BYTES) {
      throw new AwsError('ValidationException', 'Total size of the entries in the request is over the limit.');
    }
    const results = entries.map((raw: Record<string, unknown>) => {
      const bus = parseBusName(raw.EventBusName);
      const busName = bus.name;
      // botocore PutEventsRequestEntry.EventBusName: "The name or ARN of the event bus to receive the event. Only the
      // rules that are associated with this event bus are used to match the event." The ARN of another account's (or
      // region's) bus names that account's bus, never this account's bus of the same name. This emulator holds only
      // this account's buses, so it cannot know that bus or its resource policy; it answers as a bus with no policy
      // for the caller does (no statement grants another account): AccessDeniedException for the entry, nothing
      // delivered. (A choice: what AWS answers depends on the other account's bus.)
      if ((bus.account !== undefined && bus.account !== this.where.accountId) || (bus.region !== undefined && bus.region !== this.where.region)) {
        return {
          ErrorCode: 'AccessDeniedException',
          ErrorMessage: `User: ${identity.principalArn} is not authorized to perform: events:PutEvents on resource: ${String(raw.EventBusName)}`,
        };
      }
      for (const field of ['Source', 'DetailType', 'Detail']) {
        if (typeof raw[field] !== 'string' || raw[field] === '') return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid.` };
      }
      // botocore PutEventsRequestEntry.DetailType: "Free-form string, with a maximum of 128 characters". The model
      // has no max, so the SDK sends it and the service judges it; AWS's exact answer is not documented. It is failed
      // per entry (InvalidArgument, the PutEventsResultEntry code for an invalid field, HTTP 200), as AWS fails the
      // entry's other field checks (LocalStack AWS-validated snapshots test_put_events_without_source /
      // test_put_event_without_detail_type); the wording of the message is this emulator's.
      if ([...String(raw.DetailType)].length > MAX_DETAIL_TYPE_CHARACTERS) {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter DetailType is not valid. Reason: DetailType is longer than ${MAX_DETAIL_TYPE_CHARACTERS} characters.` };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(String(raw.Detail));
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      if (!detail || typeof detail !== 'object' || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      // A bus that does not exist: AWS accepts the entry (an EventId, FailedEntryCount 0, HTTP 200) and delivers
      // nothing (LocalStack AWS-validated snapshot test_put_events_nonexistent_event_bus).
      if (!this.busNames.includes(busName)) return { EventId: this.newId() };
      const refused = this.refusal(identity, busName, raw);
      if (refused) return refused;
      const fault = this.world.eventBridge.failEntries;
      if (fault && this.failedEntryCount < fault.times) {
        this.failedEntryCount++;
        return { ErrorCode: fault.errorCode, ErrorMessage: 'Injected entry failure' };
      }
      const envelope: EventEnvelope = {
        version: '0',
        id: this.newId(),
        'detail-type': String(raw.DetailType),
        source: String(raw.Source),
        // The sender's account, as EventBridge stamps it (rules and ingest read it).
        account: identity.account,
        time: eventTime(typeof raw.Time === 'number' ? new Date(raw.Time * 1000) : this.clock.now()),
        region: this.where.region,
        resources: Array.isArray(raw.Resources) ? raw.Resources.map(String) : [],
        detail,
      };
      detailTexts.set(envelope, String(raw.Detail));
      this.inject(envelope, busName);
      return { EventId: envelope.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }
}
