/**
 * Redriving dead letters, after an outage has passed: what the operator runs
 * (`serverless invoke -f redriveDeadLetters`, or `shepherd redrive` locally).
 *
 * - The request dead-letter queue holds request events the intake kept
 *   failing on, and ones EventBridge could not deliver to the request queue.
 *   Each goes back on the request queue; the intake answers each event once
 *   (per event id and requestId), so one that had been handled after all is
 *   not done again.
 * - The dead-letter queue holds account events EventBridge kept refusing
 *   (parked by the fan-out: replayed, each once), and status-change rescues
 *   that kept failing (rule or async-invocation failures: rescued again,
 *   once through the ledger). Scheduled sweep runs that failed need nothing:
 *   the next run covers them. Anything else is left for a person.
 *
 * A message is deleted only once what it stands for is done; a run that
 * stops half-way is simply run again.
 */
import { createHash } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { publishEvents, type OutgoingEvent } from '../events/publish';
import { stableStringify } from '../json';
import { required } from '../runtime/config';
import { asTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { rescueTerminalEvent } from './rescue';
import { parseEnvelope } from '../events/envelope';
import { REQUEST_CONTRACTS } from '../contracts/events';

export interface RedriveSummary {
  /** Request events put back on the request queue. */
  requeued: number;
  /** Parked account events published (each once). */
  republished: number;
  /** Executions whose terminal event was rescued (or found sent). */
  rescued: number;
  /** Dead letters that needed nothing (failed scheduled runs). */
  dropped: number;
  /** Dead letters left for a person: not something Shepherd knows how to redrive. */
  left: number;
  /** Dead letters whose redrive failed this time (AWS still misbehaving): they stay, for the next run. */
  failed: number;
  /** Whether messages remained when the run stopped for time: run it again. */
  more: boolean;
}

/** How long one run takes new messages: the function's timeout (300 s) less room to finish the last batch. */
const BUDGET_MS = 240_000;
/** And how many: a run must end even when what it requeues comes straight back (run it again for more). */
export const MAX_MESSAGES_PER_RUN = 2_000;

type Outcome = 'requeued' | 'republished' | 'rescued' | 'dropped' | 'left';

/** Every kind of request, cancels included (the contracts of direction `request`). */
const REQUEST_DETAIL_TYPES: ReadonlySet<string> = new Set(REQUEST_CONTRACTS.map((contract) => contract.detailType));

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isRequestEvent(value: unknown): value is { 'detail-type': string } {
  return isObject(value) && typeof value['detail-type'] === 'string' && REQUEST_DETAIL_TYPES.has(value['detail-type']);
}

function statusChangeArn(value: unknown): string | undefined {
  if (!isObject(value) || value.source !== 'aws.states' || !isObject(value.detail)) return undefined;
  return typeof value.detail.executionArn === 'string' ? value.detail.executionArn : undefined;
}

async function requeue(body: string, ports: Uses<'sqs'>): Promise<void> {
  await ports.sqs.send(new SendMessageCommand({ QueueUrl: required(ports.config.requestQueueUrl, 'REQUEST_QUEUE_URL'), MessageBody: body }));
}

/** Publishes a parked event unless a redrive already did: keyed by its content, which is unique per account and request. */
async function republish(event: OutgoingEvent, ports: Uses<'eventBridge'>): Promise<void> {
  const key = `republished#${createHash('sha256').update(stableStringify([event.detailType, event.detail])).digest('hex')}`;
  await ports.ledger.once(key, () => publishEvents([event], ports));
}

async function redriveOne(queue: 'requests' | 'general', message: Message, ports: Uses<'eventBridge' | 'sfn' | 'sqs'>): Promise<Outcome> {
  const body = message.Body ?? '';
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'left';
  }
  if (queue === 'requests') {
    // Only events go back: a message the intake parked as unreadable would come straight back to this queue.
    if (!parseEnvelope(body).ok) return 'left';
    await requeue(body, ports);
    return 'requeued';
  }
  if (isObject(value) && value.kind === 'UndeliveredEvents' && Array.isArray(value.events)) {
    for (const event of value.events as OutgoingEvent[]) await republish(event, ports);
    return 'republished';
  }
  // A rule's dead letter is the event itself; an async invocation's is a record around it.
  const event = isObject(value) && isObject(value.requestContext) ? value.requestPayload : value;
  const executionArn = statusChangeArn(event);
  if (executionArn) {
    await rescueTerminalEvent(executionArn, ports);
    return 'rescued';
  }
  if (isRequestEvent(event)) {
    await requeue(JSON.stringify(event), ports);
    return 'requeued';
  }
  if (isObject(event) && event['detail-type'] === 'Scheduled Event') return 'dropped';
  return 'left';
}

/** Redrives both dead-letter queues until they are empty or the invocation's time is nearly up. */
export async function redriveDeadLetters(ports: Uses<'eventBridge' | 'sfn' | 'sqs'>, budgetMs = BUDGET_MS): Promise<RedriveSummary> {
  const deadline = ports.clock.now().getTime() + budgetMs;
  let handled = 0;
  const summary: RedriveSummary = { requeued: 0, republished: 0, rescued: 0, dropped: 0, left: 0, failed: 0, more: false };
  const queues = [
    { queue: 'requests' as const, url: required(ports.config.requestDeadLetterQueueUrl, 'REQUEST_DEAD_LETTER_QUEUE_URL') },
    { queue: 'general' as const, url: required(ports.config.deadLetterQueueUrl, 'DEAD_LETTER_QUEUE_URL') },
  ];
  for (const { queue, url } of queues) {
    // Messages left for a person come back after their visibility timeout; this run looks at each once.
    const seen = new Set<string>();
    for (;;) {
      if (ports.clock.now().getTime() >= deadline || handled >= MAX_MESSAGES_PER_RUN) {
        summary.more = true;
        break;
      }
      let messages: Message[];
      try {
        messages = (await ports.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 300, WaitTimeSeconds: 0 }))).Messages ?? [];
      } catch (error) {
        throw asTransient(error);
      }
      const fresh = messages.filter((m) => !seen.has(m.MessageId ?? ''));
      if (fresh.length === 0) break;
      for (const message of fresh) {
        seen.add(message.MessageId ?? '');
        handled++;
        let outcome: Outcome;
        try {
          outcome = await redriveOne(queue, message, ports);
          if (outcome !== 'left') await ports.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
        } catch (error) {
          // What it stood for is done in part at most (each part once, through the ledger): it stays for the next run.
          ports.logger.warn('A dead letter could not be redriven this time', { error: (error as Error).name, messageId: message.MessageId });
          summary.failed++;
          summary.more = true;
          continue;
        }
        summary[outcome]++;
      }
    }
  }
  ports.logger.info('Dead letters redriven', { ...summary });
  return summary;
}
