/**
 * `shepherd run [--world FILE] [--json] [--quiet] [--redrive] EVENT_FILE...`
 * `shepherd redrive ...` (the same, redriving the dead letters at the end)
 *
 * Sends request events through the embedded local stack, shows each
 * request's progress on stderr and prints every event Shepherd emits
 * (with --json: one EventBridge envelope per line on stdout). Exits 0 when
 * every request got its terminal event.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { contracts, SHEPHERD_SOURCE, TERMINAL_DETAIL_TYPES, type RequestRejected } from '../shared/contracts/events';
import { WORKFLOWS } from '../shared/workflows';
import type { EventEnvelope } from '../local/emulators/event-bridge';
import { eventTime } from '../local/emulators/event-bridge';
import { LocalStack, type StackEvent } from '../local/harness/stack';
import { loadWorld } from '../local/emulators/world';

const USAGE = `Usage: shepherd run [--world FILE] [--json] [--quiet] [--log-level LEVEL] [--redrive] EVENT_FILE...
       shepherd redrive [--world FILE] [--json] [--quiet] [--log-level LEVEL] EVENT_FILE...

Runs request events through Shepherd on the embedded local stack (no AWS account).

  EVENT_FILE       JSON file holding one event or an array of events, either as
                   PutEvents entries ({"Source", "DetailType", "Detail"}) or as
                   full EventBridge envelopes ({"source", "detail-type", "detail",
                   optional "id" — the same id twice is a redelivery}).
  --world FILE     YAML/JSON description of the emulated AWS (see README).
  --json           Print each emitted event as one EventBridge envelope per line.
  --quiet          No progress lines on stderr.
  --log-level L    Show the handlers' Powertools logs on stderr (DEBUG, INFO, WARN, ERROR).
  --redrive        Once the run has settled, redrive the dead letters as an operator
                   would after an outage (the redriveDeadLetters function), and settle
                   again. \`shepherd redrive\` is \`shepherd run --redrive\`.

Exit status: 0 when every request got its terminal event, 1 otherwise, 2 on bad usage.`;

/** `afterSeconds`: send it this many virtual seconds after the run starts (e.g. a cancel mid-operation). */
type SubmissionBody = { kind: 'entry'; entry: PutEventsRequestEntry } | { kind: 'envelope'; envelope: EventEnvelope };
type Submission = SubmissionBody & { afterSeconds: number };

/** Reads an event file: one event or an array; PutEvents entries or full envelopes. */
export function readEventFile(file: string, now: Date): Submission[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.map((item: unknown, index) => {
    const where = `${file}${Array.isArray(parsed) ? `[${index}]` : ''}`;
    if (!item || typeof item !== 'object') throw new Error(`${where}: an event must be a JSON object`);
    const { afterSeconds = 0, ...event } = item as Record<string, unknown> & { afterSeconds?: unknown };
    if (typeof afterSeconds !== 'number' || !(afterSeconds >= 0)) throw new Error(`${where}: afterSeconds must be a number of seconds ≥ 0`);
    return { ...parseEvent(event, where, now), afterSeconds } as Submission;
  });
}

function parseEvent(item: Record<string, unknown>, where: string, now: Date): SubmissionBody {
  if ('DetailType' in item || 'Source' in item) {
    if (typeof item.Source !== 'string' || typeof item.DetailType !== 'string') throw new Error(`${where}: a PutEvents entry needs Source and DetailType`);
    const detail = typeof item.Detail === 'string' ? item.Detail : JSON.stringify(item.Detail ?? {});
    return { kind: 'entry', entry: { Source: item.Source, DetailType: item.DetailType, Detail: detail, Resources: item.Resources as string[] | undefined } };
  }
  if (typeof item.source !== 'string' || typeof item['detail-type'] !== 'string') {
    throw new Error(`${where}: expected a PutEvents entry (Source, DetailType, Detail) or an envelope (source, detail-type, detail)`);
  }
  if (!item.id) {
    const detail = JSON.stringify(item.detail ?? {});
    return { kind: 'entry', entry: { Source: item.source, DetailType: item['detail-type'] as string, Detail: detail } };
  }
  return {
    kind: 'envelope',
    envelope: {
      version: '0',
      id: String(item.id),
      'detail-type': item['detail-type'] as string,
      source: item.source,
      account: String(item.account ?? '000000000000'),
      time: String(item.time ?? eventTime(now)),
      region: String(item.region ?? 'us-east-1'),
      resources: (item.resources as string[]) ?? [],
      detail: item.detail ?? {},
    },
  };
}


function requestIdOf(envelope: EventEnvelope): string {
  const detail = envelope.detail as { requestId?: unknown };
  return typeof detail?.requestId === 'string' ? detail.requestId : envelope.id;
}

function clockOffset(stack: LocalStack, started: number): string {
  const s = Math.round((stack.clock.nowMillis() - started) / 1000);
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `t+${hh}:${mm}:${ss}`;
}

/** Each workflow's one-line summaries of its events (its declaration's `summaries`), by detail-type. */
const SUMMARIES = new Map(WORKFLOWS.flatMap((workflow) => workflow.summaries.map((s) => [s.detailType, s.summary as (detail: unknown) => string] as const)));

function describeEvent(envelope: EventEnvelope): string {
  const summary = SUMMARIES.get(envelope['detail-type']);
  if (summary) return `${envelope['detail-type']}  ${summary(envelope.detail)}`;
  if (envelope['detail-type'] === contracts.requestRejected.detailType) {
    const d = envelope.detail as RequestRejected;
    const fields = (d.errors ?? []).map((e) => `${e.field || '(detail)'} ${e.message}`).join('; ');
    return `${envelope['detail-type']}  ${d.requestId ?? `event ${d.eventId}${d.namedRequestId ? ` (named ${d.namedRequestId})` : ''}`}  ${d.reason}${fields ? ` — ${fields}` : ''}`;
  }
  return `${envelope['detail-type']}  ${JSON.stringify(envelope.detail)}`;
}

export async function run(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        world: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        'log-level': { type: 'string' },
        redrive: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    err.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const [command, ...files] = args.positionals;
  if (args.values.help || command === 'help') {
    out.write(`${USAGE}\n`);
    return 0;
  }
  if ((command !== 'run' && command !== 'redrive') || files.length === 0) {
    err.write(`${USAGE}\n`);
    return 2;
  }
  const redrive = args.values.redrive || command === 'redrive';

  let stack: LocalStack;
  let submissions: Submission[];
  try {
    const world = args.values.world ? loadWorld(args.values.world) : undefined;
    stack = await LocalStack.start({ world, logLevel: args.values['log-level'] });
    submissions = files.flatMap((file) => readEventFile(file, stack.clock.now()));
  } catch (error) {
    err.write(`shepherd: ${(error as Error).message}\n`);
    return 2;
  }
  const started = stack.clock.nowMillis();
  const terminal = new Map<string, EventEnvelope>();
  const rejectedEvents = new Set<string>();
  const progress = (line: string) => {
    if (!args.values.quiet) err.write(`${clockOffset(stack, started)}  ${line}\n`);
  };
  stack.on((event: StackEvent) => {
    switch (event.type) {
      case 'state': {
        const polls = event.polls !== undefined ? `  (polls ${event.polls})` : '';
        progress(`${event.execution.name}  ${event.stateName}${polls}`);
        break;
      }
      case 'dead-letter':
        progress(`dead letter: ${event.functionKey ?? event.queueName ?? '?'} could not handle event ${event.envelope?.id ?? '?'}: ${event.error}`);
        break;
      case 'event': {
        const { envelope } = event;
        // Shepherd's events: its source on its own bus (the only bus where nobody else may use that source).
        if (envelope.source !== SHEPHERD_SOURCE || event.busName !== stack.busName) return;
        // A rejection ends the event it refused; it ends a requestId only when it carries one (the event owned it).
        if (envelope['detail-type'] === contracts.requestRejected.detailType) rejectedEvents.add(String((envelope.detail as { eventId?: unknown }).eventId));
        if (TERMINAL_DETAIL_TYPES.has(envelope['detail-type']) && typeof (envelope.detail as { requestId?: unknown }).requestId === 'string') {
          terminal.set(requestIdOf(envelope), envelope);
        }
        out.write(args.values.json ? `${JSON.stringify(envelope)}\n` : `${describeEvent(envelope)}\n`);
        break;
      }
      default:
        break;
    }
  });

  /** Each request sent: its requestId and the event that carried it. */
  const expected: Array<[requestId: string, eventId: string]> = [];
  const send = async (submission: Submission): Promise<void> => {
    if (submission.kind === 'envelope') {
      expected.push([requestIdOf(submission.envelope), submission.envelope.id]);
      stack.inject(submission.envelope);
      return;
    }
    const response = await stack.putEvents([submission.entry]);
    const result = response.Entries?.[0];
    if (!result?.EventId) {
      err.write(`shepherd: PutEvents refused ${submission.entry.DetailType}: ${result?.ErrorCode} ${result?.ErrorMessage ?? ''}\n`);
      return;
    }
    const detail = JSON.parse(submission.entry.Detail ?? '{}') as { requestId?: unknown };
    expected.push([typeof detail.requestId === 'string' ? detail.requestId : result.EventId, result.EventId]);
  };
  try {
    for (const submission of submissions) {
      if (submission.afterSeconds > 0) {
        // A timer on the virtual clock: it fires when the run reaches that moment.
        stack.clock.setTimeout(() => void stack.clock.track(() => send(submission)), submission.afterSeconds * 1000);
      } else {
        await send(submission);
      }
    }
    await stack.settle();
    if (redrive) {
      const summary = (await stack.invoke('redriveDeadLetters', {})) as Record<string, unknown>;
      progress(`redrive: ${Object.entries(summary).map(([k, v]) => `${k} ${String(v)}`).join(', ')}`);
      await stack.settle();
    }
  } catch (error) {
    err.write(`shepherd: ${(error as Error).message}\n`);
    await stack.stop();
    return 1;
  }
  await stack.stop();
  const missing = [...expected].filter(([id, eventId]) => !terminal.has(id) && !rejectedEvents.has(eventId)).map(([id]) => id);
  if (missing.length > 0) {
    err.write(`shepherd: no terminal event for ${missing.length} request(s): ${missing.join(', ')}\n`);
    return 1;
  }
  if (!args.values.quiet) err.write(`${expected.length} request(s), each ended with its terminal event.\n`);
  return 0;
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  process.exitCode = await run(argv);
}
