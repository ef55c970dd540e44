/**
 * Round 2 — unaccepted requests are logged through an input transformer
 * (serverless.yml UnacceptedSourceRule,
 * local/emulators/input-transformer.ts): CloudWatch Logs takes {"timestamp": string,
 * "message": string}, and EventBridge puts values into the message
 * unescaped, so a hostile value may keep its event out of the log — but no
 * logged entry is ever invalid, and none holds the detail.
 */
import type { EventEnvelope } from '../../local/emulators/event-bridge';
import { transformInput } from '../../local/emulators/input-transformer';
import { loadServiceModel } from '../../tooling/serverless-config';
import type { LocalStack } from '../../local/harness/stack';
import { INTRUDER, RO, entry, start } from './support';

const LOG = '/aws/events/shepherd-local-unaccepted-requests';
const SECRET = 'TOP-SECRET-PASSWORD-9f3c';
const secretDetail = { requestId: 'leak-1', operation: 'CREATE', typeName: 'AWS::RDS::DBInstance', desiredState: { MasterUserPassword: SECRET } };
/** The transformer the deployed rules use, read from serverless.yml. */
const TEMPLATE = loadServiceModel().rules.find((r) => r.name === 'UnacceptedSourceRule')!.inputTransformer!;

function logged(stack: LocalStack): Array<{ timestamp: unknown; message: string }> {
  return (stack.logGroups.get(LOG) ?? []) as never;
}

function expectClean(entryValue: unknown) {
  const text = JSON.stringify(entryValue);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('MasterUserPassword');
  const e = entryValue as { timestamp: unknown; message: unknown };
  expect(Object.keys(e).sort()).toEqual(['message', 'timestamp']);
  expect(typeof e.timestamp).toBe('string');
  expect(typeof e.message).toBe('string');
}

/** Logged cleanly, or kept out of the log with the reason said (a dead letter): never the detail, never a crash. */
function expectLoggedOrRefused(stack: LocalStack, eventId: string) {
  const entries = logged(stack);
  entries.forEach(expectClean);
  const refused = stack.deadLetters.filter((d) => d.envelope?.id === eventId && d.error.includes(LOG));
  expect(entries.length + refused.length).toBe(1);
  if (entries.length === 1) expect(entries[0]!.message).toContain(eventId);
  expect(JSON.stringify(stack.deadLetters.map((d) => d.error))).not.toContain(SECRET);
}

const HOSTILE_SOURCES: Array<[string, string]> = [
  ['double quotes', 'evil"},"detail":{"x":"'],
  ['a template placeholder', '<time>'],
  ['the whole-event placeholder', '<aws.events.event.json>'],
  ['angle brackets and a script tag', '</script><script>alert(1)</script>'],
  ['backslashes', 'evil\\","detail":"\\u0022'],
  ['unicode: emoji, RTL override, line separator', 'évil\u202e🦠\u2028src'],
  ['a lone surrogate', 'evil\ud800x'],
  ['a NUL and control characters', 'evil\u0000\u001b[31m'],
];

describe('the unaccepted-requests log, from PutEvents with hostile sources', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  it.each(HOSTILE_SOURCES)('source with %s: logged cleanly or kept out with the reason, never the detail', async (_name, source) => {
    stack = await start();
    const out = await stack.putEvents([{ ...entry(source, RO, secretDetail), Resources: ['<aws.events.event.json>', `"${SECRET.slice(0, 3)}`] }], { as: INTRUDER });
    await stack.settle();
    if (out.FailedEntryCount === 1) return; // refused by the bus: nothing to log, nothing acted on
    expect(stack.stepFunctions.executions.size).toBe(0);
    expectLoggedOrRefused(stack, out.Entries![0]!.EventId!);
  });

  it('every request type from an unlisted source is logged once, without detail', async () => {
    stack = await start();
    const types = ['Resource Operation Requested', 'Resource Operation Cancel Requested', 'Portfolio Share Requested', 'Organizations Access Change Requested', 'Provisioned Product Properties Update Requested', 'Program Management Account Update Requested'];
    for (const t of types) await stack.putEvents([entry('platform.unlisted', t, secretDetail)], { as: INTRUDER });
    await stack.settle();
    expect(logged(stack)).toHaveLength(types.length);
    logged(stack).forEach(expectClean);
  });
});

describe('the unaccepted-requests log, from hostile envelopes (stack.inject)', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  const base = (over: Partial<EventEnvelope> & Record<string, unknown>): EventEnvelope =>
    ({ version: '0', id: 'e-1', 'detail-type': RO, source: 'evil.corp', account: '000000000000', time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail: secretDetail, ...over }) as EventEnvelope;

  const envelopes: Array<[string, EventEnvelope]> = [
    ['an id with quotes and placeholders', base({ id: '"<time>"},"detail":{"a":1}' })],
    ['an unlisted source with an account with quotes', base({ account: '999999999999","detail":"x' })],
    ['a foreign account, unlisted source', base({ account: '999999999999' })],
    ['resources holding placeholders', base({ resources: ['<aws.events.event.json>', '<time>', '"'] })],
    ['a region with unicode', base({ region: 'us-east-1\u2028"\u202e' })],
    ['a time with quotes', base({ time: '2026-11-25T09:00:00Z","message":{"detail":1}' })],
    ['a numeric time', base({ time: 1764061200000 as unknown as string })],
  ];

  it.each(envelopes)('%s: logged cleanly or kept out with the reason, never the detail', async (_name, envelope) => {
    stack = await start();
    stack.inject(envelope);
    await stack.settle();
    expect(stack.stepFunctions.executions.size).toBe(0);
    expectLoggedOrRefused(stack, envelope.id);
  });

  it('an envelope without a time (emulator robustness: EventBridge always stamps one): logged validly or not at all, the run survives', async () => {
    stack = await start();
    const { time: _t, ...noTime } = base({ id: 'no-time' });
    let thrown: unknown;
    try {
      stack.inject(noTime as EventEnvelope);
      await stack.settle();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeUndefined();
    for (const e of logged(stack)) expectClean(e);
  });
});

describe('what CloudWatch Logs gets', () => {
  it('the transformer output never holds the detail, for every hostile source (unit)', () => {
    for (const [, source] of HOSTILE_SOURCES) {
      const env = { version: '0', id: 'x', 'detail-type': RO, source, account: '0', time: '2026-11-25T09:00:00Z', region: 'r', resources: [], detail: secretDetail } as EventEnvelope;
      const text = transformInput(TEMPLATE, env, { name: 'n', arn: 'a' });
      expect(text).not.toContain(SECRET);
    }
  });

  it('AWS requirement (PutTargets/CloudWatch Logs target, see aws-cdk LogGroupTargetInput docs): "message" must be a string', async () => {
    // A CloudWatch Logs target's InputTemplate must be {"timestamp": <ts>, "message": <message>} with string values; an
    // object message is not rejected but arrives incorrectly. aws.events.event is an object (and cannot be quoted:
    // EventBridge does not escape it), so the deployed rule would not log what the emulator records.
    const stack = await start();
    try {
      await stack.putEvents([entry('platform.unlisted', RO, secretDetail)], { as: INTRUDER });
      await stack.settle();
      expect(typeof logged(stack)[0]!.message).toBe('string');
    } finally {
      await stack.stop();
    }
  });
});
