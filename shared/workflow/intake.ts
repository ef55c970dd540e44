/**
 * The intake: request events wait in an SQS queue (the rules deliver them
 * there) until this function has handled each one — started its execution,
 * found it a duplicate, rejected it, or cancelled the operation it names.
 * An event that cannot be handled now (StartExecution, DynamoDB, PutEvents
 * or Lambda itself misbehaving; a cancel that is early) is reported as a
 * batch item failure and stays on the queue, coming back after a backoff of
 * 10 s doubling to 15 min; the queue keeps it for 14 days and moves it to the
 * request dead-letter queue after 1,000 tries (about eight days). So a request survives outages
 * far longer than EventBridge's own 24-hour retry window, and nothing is done
 * twice when it comes back: every step is idempotent per event id and
 * requestId.
 */
import { ChangeMessageVisibilityCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { claimedRequestId, rejectRequest, type IncomingEvent } from '../events/reject';
import { boundedText } from '../json';
import { required } from '../runtime/config';
import { isTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { RetryLater } from '../runtime/retry-later';
import { parseEnvelope } from '../events/envelope';
import { ingestRequest } from './ingest';
import { CANCELS, REQUEST_KINDS } from './requests';

/** Time one message may need at worst (two calls that time out three times each, and the margin to return). */
export const TIME_FOR_A_MESSAGE_MS = 35_000;

/** The longest wait between two tries of an event. */
export const MAX_RETRY_DELAY_SECONDS = 900;

/** Seconds until an event that could not be handled is tried again: 10 s doubling to 15 min, jittered between half and all of it. */
export function retryDelaySeconds(receiveCount: number, random: () => number): number {
  const tries = Number.isFinite(receiveCount) ? Math.max(1, receiveCount) : 1;
  const ceiling = Math.min(MAX_RETRY_DELAY_SECONDS, 10 * 2 ** Math.min(tries - 1, 30));
  return Math.max(1, Math.round(ceiling * (0.5 + random() / 2)));
}

/** Handles one event: a request of some kind, or a cancel. Throws when it should be tried again later. */
async function handle(event: IncomingEvent, ports: Uses<'cloudControl' | 'eventBridge' | 'sfn' | 'dynamodb'>, waitedMs: number): Promise<unknown> {
  const detailType = event['detail-type'];
  const cancel = Object.hasOwn(CANCELS, detailType) ? CANCELS[detailType] : undefined;
  if (cancel) return cancel.handle(event, ports, waitedMs);
  const kind = Object.hasOwn(REQUEST_KINDS, detailType) ? REQUEST_KINDS[detailType] : undefined;
  if (kind) return ingestRequest(kind, event, ports);
  // The rule routes only request types here; anything else is still answered, never dropped.
  return rejectRequest(event, `"${boundedText(detailType)}" is not a request Shepherd takes`, [
    { field: 'detail-type', code: 'invalid_value', message: 'is not a request type Shepherd takes' },
  ], { names: claimedRequestId(event) }, ports);
}

/**
 * One message: true when it is done with (handled, or parked as unreadable),
 * false when it must stay on the queue and come back later.
 */
async function takeRequest(record: SQSRecord, ports: Uses<'cloudControl' | 'eventBridge' | 'sfn' | 'sqs' | 'dynamodb'>): Promise<boolean> {
  const parsed = parseEnvelope(record.body);
  if (!parsed.ok) return park(record, parsed.reason, ports);
  const { event } = parsed;
  ports.logger.appendKeys({ requestId: claimedRequestId(event), eventId: boundedText(event.id) });
  try {
    const sentAt = Number(record.attributes?.SentTimestamp);
    await handle(event, ports, Number.isFinite(sentAt) ? ports.clock.now().getTime() - sentAt : 0);
    return true;
  } catch (error) {
    const e = error as Error;
    const kept = { error: e.name, message: boundedText(e.message, 1024), receiveCount: record.attributes?.ApproximateReceiveCount };
    if (e instanceof RetryLater) ports.logger.info('Not yet: the event is kept and tried again later', kept);
    else if (isTransient(e)) ports.logger.warn('Transient fault: the event is kept and tried again later', kept);
    else ports.logger.error('The event could not be handled: it is kept, tried again later, and dead-lettered after 1,000 tries', kept);
    return false;
  } finally {
    ports.logger.removeKeys(['requestId', 'eventId']);
  }
}

/** Backs a kept message off: it becomes visible again after retryDelaySeconds (or the queue's own timeout if this fails). */
async function postpone(record: SQSRecord, ports: Uses<'sqs'>): Promise<void> {
  const delay = retryDelaySeconds(Number(record.attributes?.ApproximateReceiveCount ?? 1), ports.random);
  try {
    await ports.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: required(ports.config.requestQueueUrl, 'REQUEST_QUEUE_URL'), ReceiptHandle: record.receiptHandle, VisibilityTimeout: delay }),
    );
  } catch (error) {
    ports.logger.warn('Could not back the message off; the queue visibility timeout applies', { error: (error as Error).name });
  }
}

/** A message no one can answer (it is not an event): straight to the request dead-letter queue, with the reason. */
async function park(record: SQSRecord, reason: string, ports: Uses<'sqs'>): Promise<boolean> {
  try {
    await ports.sqs.send(
      new SendMessageCommand({
        QueueUrl: required(ports.config.requestDeadLetterQueueUrl, 'REQUEST_DEAD_LETTER_QUEUE_URL'),
        MessageBody: record.body,
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason } },
      }),
    );
    ports.logger.error('Unreadable message parked in the request dead-letter queue', { reason, messageId: record.messageId });
    return true;
  } catch (error) {
    ports.logger.warn('Could not park an unreadable message; it stays on the queue', { error: (error as Error).name });
    return false;
  }
}

/**
 * A batch from the request queue (Lambda's SQS event source, with
 * ReportBatchItemFailures): each message is handled on its own, one after
 * the other so each log line carries its own request; the ones to try again
 * are reported, and backed off.
 */
export async function takeRequests(event: SQSEvent, ports: Uses<'cloudControl' | 'eventBridge' | 'sfn' | 'sqs' | 'dynamodb'>): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records ?? []) {
    // Never run into the function's timeout: the whole batch would come back, the messages already handled
    // with it. When calls are slow (an outage that hangs), the rest wait for another invocation.
    if (ports.invocation.remainingMs() < TIME_FOR_A_MESSAGE_MS) {
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    if (await takeRequest(record, ports)) continue;
    batchItemFailures.push({ itemIdentifier: record.messageId });
    await postpone(record, ports);
  }
  return { batchItemFailures };
}
