/**
 * Round 4 — the EventBridge PutEvents emulator (local/emulators/event-bridge.ts) held to AWS's behaviour: the
 * EventBridge User Guide ("Calculating Amazon EventBridge PutEvents event entry size",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html), the botocore events
 * (2015-10-07) documentation, and LocalStack's AWS-recorded snapshots (localstack/localstack
 * tests/aws/services/events/test_events.py + .snapshot.json, @markers.aws.validated). Real SDK v3 client.
 *
 * FIXED (these cases failed until event-bridge.ts was brought in line; all pass now):
 * - Request size: entries are measured as the User Guide's getSize() does (UTF-8 bytes of Source, DetailType, Detail
 *   and each Resources entry, 14 for Time), not as `JSON.stringify(entries)`; 262,144 bytes or more is refused whole.
 * - DetailType over 128 characters: AWS's exact answer is undocumented; the emulator fails the entry (InvalidArgument,
 *   HTTP 200), the per-entry form the other field checks take.
 * - The ARN of another account's (or region's) bus no longer lands on this account's bus of that name: the entry
 *   fails with AccessDeniedException, as a bus with no policy for the caller answers (the emulator holds only this
 *   account's buses).
 * - A bus that does not exist: the entry is accepted with an EventId and dropped (FailedEntryCount 0).
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EventBridgeEmulator, type EventEnvelope } from '../../local/emulators/event-bridge';
import { parseWorld } from '../../local/emulators/world';
import { ACCOUNT, REGION, clientConfig, manualClock, outcome, serve, type Served } from './round4-support';

const BUS = 'shepherd-bus';

let served: Served | undefined;
let client: EventBridgeClient;
let delivered: Array<{ busName: string; envelope: EventEnvelope }>;

beforeEach(async () => {
  delivered = [];
  let id = 0;
  const emulator = new EventBridgeEmulator(
    parseWorld({}), manualClock(), ['default', BUS], { region: REGION, accountId: ACCOUNT },
    (envelope, busName) => delivered.push({ busName, envelope }), () => `event-${++id}`,
  );
  served = await serve({ AWSEvents: emulator.operations() });
  client = new EventBridgeClient(clientConfig(served.url));
});

afterEach(async () => {
  client.destroy();
  await served?.stop();
});

const entry = (extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'platform.test', DetailType: 'Thing Happened', Detail: JSON.stringify({ a: 1 }), EventBusName: BUS, ...extra,
});
const put = (...entries: PutEventsRequestEntry[]) => outcome(client.send(new PutEventsCommand({ Entries: entries })));

/** The entry size as the User Guide's getSize() computes it. */
const awsSize = (e: PutEventsRequestEntry) =>
  (e.Time ? 14 : 0) + Buffer.byteLength(e.Source ?? '') + Buffer.byteLength(e.DetailType ?? '') + Buffer.byteLength(e.Detail ?? '') +
  (e.Resources ?? []).reduce((n, r) => n + Buffer.byteLength(r), 0);

describe('request size', () => {
  // Source: User Guide "Calculating PutEvents event entry size" — "The total entry size must be less than 256KB";
  // Time counts 14 bytes, Source/DetailType/Detail/each Resources entry their UTF-8 bytes (the getSize() sample).
  it('an entry of 262,143 bytes as AWS counts it is accepted', async () => {
    const head = '{"p":"';
    const e = entry({ Source: 's', DetailType: 'T', Detail: `${head}${'x'.repeat(262_143 - 2 - head.length - 2)}"}` });
    expect(awsSize(e)).toBe(262_143);
    const answer = await put(e);
    expect(answer.refusal).toBe('no refusal');
    expect(answer.answer?.FailedEntryCount).toBe(0);
  });

  it('a pretty-printed Detail of 231,017 bytes (newlines, escaped quotes) is accepted', async () => {
    const detail = `{\n${'  "k": "say \\"hi\\"",\n'.repeat(11_000)}  "end": true\n}`;
    const e = entry({ Detail: detail });
    expect(awsSize(e)).toBeLessThan(262_144);
    const answer = await put(e);
    expect(answer.refusal).toBe('no refusal');
  });

  // Source: LocalStack AWS snapshot test_put_event_with_too_big_detail — a Detail of 256 KiB: the whole request is
  // refused, ValidationException "Total size of the entries in the request is over the limit.", HTTP 400.
  it('an entry over 256 KiB refuses the whole request with ValidationException', async () => {
    const e = entry({ Detail: JSON.stringify({ payload: ['p'.repeat(256 * 1024 - 17)] }) });
    const answer = await put(e);
    expect(answer.refusal).toBe('ValidationException');
    expect(answer.message).toBe('Total size of the entries in the request is over the limit.');
    expect(delivered).toHaveLength(0);
  });
});

describe('entry fields', () => {
  // Source: botocore PutEventsRequestEntry.DetailType — "Free-form string, with a maximum of 128 characters".
  // (The per-entry error code for it is not documented; only that the entry is not accepted is asserted.)
  it('DetailType longer than 128 characters is not accepted, and nothing is delivered', async () => {
    const answer = await put(entry({ DetailType: 'D'.repeat(129) }));
    const refusedWhole = answer.refusal !== 'no refusal';
    expect(refusedWhole || answer.answer?.FailedEntryCount === 1).toBe(true);
    expect(delivered).toHaveLength(0);
  });

  // Source: LocalStack AWS snapshots test_put_event_malformed_detail[STRING|ARRAY|MALFORMED_JSON|SERIALIZED_STRING]:
  // per entry, ErrorCode MalformedDetail, ErrorMessage "Detail is malformed.", HTTP 200.
  it.each(['NotJSON', '[]', '{{}', JSON.stringify('NotJSON')])('Detail %s fails the entry with MalformedDetail', async (detail) => {
    const answer = await put(entry({ Detail: detail }));
    expect(answer.answer).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }] });
  });

  // Source: LocalStack AWS snapshots test_put_events_without_source / test_put_event_without_detail_type: per entry
  // InvalidArgument ("Parameter Source is not valid. Reason: Source is a required argument."), HTTP 200.
  it('a missing Source or an empty DetailType fails the entry with InvalidArgument', async () => {
    const answer = await put(entry({ Source: undefined }), entry({ DetailType: '' }));
    expect(answer.answer).toMatchObject({ FailedEntryCount: 2, Entries: [{ ErrorCode: 'InvalidArgument' }, { ErrorCode: 'InvalidArgument' }] });
  });
});

describe('EventBusName', () => {
  // Source: botocore PutEventsRequestEntry.EventBusName — "The name or ARN of the event bus to receive the event.
  // Only the rules that are associated with this event bus are used to match the event." A bus of account
  // 999999999999 is not this account's bus of the same name.
  it("the ARN of a bus in another account does not put the event on this account's bus of that name", async () => {
    await put(entry({ EventBusName: `arn:aws:events:${REGION}:999999999999:event-bus/${BUS}` }));
    expect(delivered.filter((d) => d.busName === BUS)).toHaveLength(0);
  });

  it('the ARN of this account’s bus puts the event on it', async () => {
    const answer = await put(entry({ EventBusName: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS}` }));
    expect(answer.answer?.FailedEntryCount).toBe(0);
    expect(delivered.map((d) => d.busName)).toEqual([BUS]);
  });

  // Source: LocalStack AWS snapshot test_put_events_nonexistent_event_bus — an entry for a bus that does not exist:
  // Entries [{EventId}, {EventId}], FailedEntryCount 0, HTTP 200; only the default-bus event reaches the queue.
  it('a bus that does not exist: the entry is accepted with an EventId, and nothing is delivered', async () => {
    const answer = await put(entry({ EventBusName: 'no-such-bus' }));
    expect(answer.answer?.FailedEntryCount).toBe(0);
    expect(answer.answer?.Entries?.[0]?.EventId).toEqual(expect.any(String));
    expect(delivered).toHaveLength(0);
  });
});
