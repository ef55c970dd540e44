/**
 * Emulated SQS (AWS JSON protocol): standard queues as serverless.yml
 * declares them, with the semantics Shepherd's durability rests on, taken
 * from the SQS API reference:
 *
 * - a received message is invisible for the queue's VisibilityTimeout (or
 *   ChangeMessageVisibility's, 0–43,200 s, relative to now, ending at most
 *   12 hours after the receive), then visible again;
 * - every receive counts (ApproximateReceiveCount); once a message is
 *   received more than the RedrivePolicy's maxReceiveCount it moves to the
 *   dead-letter queue instead, keeping its original enqueue time;
 * - messages older than MessageRetentionPeriod are deleted, dead-letter
 *   queue or not;
 * - a receipt handle is valid for the receive that issued it only: deleting
 *   with an older one succeeds but deletes nothing (standard queues);
 * - bodies are 1 byte to 1 MiB (raised from 256 KiB in August 2025, "Amazon
 *   SQS increases maximum message payload size to 1 MiB") of the characters
 *   XML allows (#x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD #x10000–#x10FFFF);
 * - StartMessageMoveTask moves a dead-letter queue's messages back (to
 *   their source queue, or to DestinationArn).
 *
 * Lambda's event source mapping (local/harness/stack.ts) receives through the same
 * methods. Time is the virtual clock's: visibility and retention are read
 * from `now` when a queue is looked at, no timers of its own except the one
 * that tells the stack when the next message becomes visible.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../shared/runtime/clock';
import { AwsError, type ServiceOperations } from './aws-server';
import type { QueueModel } from '../../tooling/serverless-config';

export interface QueuedMessage {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  /** Virtual epoch milliseconds the message first entered any queue (SentTimestamp). */
  sentAt: number;
  receiveCount: number;
  /** Invisible until this moment (epoch ms); 0 when visible. */
  invisibleUntil: number;
  /** The receipt handle of the latest receive, valid while in flight. */
  receiptHandle?: string;
  /** Virtual epoch milliseconds of the latest receive (ChangeMessageVisibility's 12-hour bound counts from it). */
  receivedAt?: number;
  /** The queue it was moved from by the redrive policy (StartMessageMoveTask's default destination). */
  deadLetterSourceName?: string;
}

/** What a receive hands out: the message as the SQS API and Lambda's event show it. */
export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  attributes: { ApproximateReceiveCount: string; SentTimestamp: string; ApproximateFirstReceiveTimestamp: string };
  messageAttributes: Record<string, string>;
}

export const MAX_MESSAGE_BYTES = 1024 * 1024;
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
/** ReceiveMessage WaitTimeSeconds: 0–20 (LocalStack AWS-validated snapshot test_send_receive_wait_time_seconds). */
export const MAX_WAIT_TIME_SECONDS = 20;
/** Characters an SQS message may contain (XML 1.0's Char production). */
/** The receipt handles receive() issues: `<messageId>#<receive count>#<24 hex>`. */
const RECEIPT_HANDLE = /^[^#]+#\d+#[0-9a-f]{24}$/;
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

class Queue {
  readonly messages: QueuedMessage[] = [];
  constructor(readonly model: QueueModel) {}
}

/**
 * The bytes message attributes add to a message's size: each attribute's name, DataType and value (StringValue in
 * UTF-8, BinaryValue as bytes), as SQS counts them (LocalStack AWS-validated snapshot test_send_oversized_message).
 */
function attributesSize(attributes: unknown): number {
  if (!attributes || typeof attributes !== 'object') return 0;
  let size = 0;
  for (const [name, value] of Object.entries(attributes as Record<string, { DataType?: unknown; StringValue?: unknown; BinaryValue?: unknown }>)) {
    size += Buffer.byteLength(name);
    if (!value || typeof value !== 'object') continue;
    if (typeof value.DataType === 'string') size += Buffer.byteLength(value.DataType);
    if (typeof value.StringValue === 'string') size += Buffer.byteLength(value.StringValue);
    const binary = value.BinaryValue;
    if (typeof binary === 'string') size += Buffer.from(binary, 'base64').length;
    else if (binary instanceof Uint8Array) size += binary.length;
  }
  return size;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

export class SqsEmulator {
  private readonly byName = new Map<string, Queue>();
  private readonly byUrl = new Map<string, Queue>();
  private readonly byArn = new Map<string, Queue>();
  private sequence = 0;
  /** Called whenever a message may have become receivable (the stack's pollers look again). */
  onMessageAvailable: (queueName: string, atMillis: number) => void = () => undefined;
  /** Called when the redrive policy moves a message to a dead-letter queue. */
  onDeadLettered: (message: QueuedMessage, from: string, to: string) => void = () => undefined;

  constructor(queues: Record<string, QueueModel>, private readonly clock: Clock) {
    for (const model of Object.values(queues)) {
      const queue = new Queue(model);
      this.byName.set(model.name, queue);
      this.byUrl.set(model.url, queue);
      this.byArn.set(model.arn, queue);
    }
  }

  /** Messages in a queue (visible and in flight), for tests and the stack. */
  messagesIn(queueName: string): QueuedMessage[] {
    const queue = this.byName.get(queueName);
    if (!queue) return [];
    this.expire(queue);
    return [...queue.messages];
  }

  /** Every queue's name. */
  get queueNames(): string[] {
    return [...this.byName.keys()];
  }

  operations(): ServiceOperations {
    return {
      SendMessage: (input) => this.sendMessage(this.queueOf(input), input),
      ReceiveMessage: (input) => {
        const max = Number(input.MaxNumberOfMessages ?? 1);
        if (!Number.isInteger(max) || max < 1 || max > 10) throw new AwsError('InvalidParameterValue', 'Value for parameter MaxNumberOfMessages is invalid. Reason: must be between 1 and 10, if provided.');
        // AWS refuses a WaitTimeSeconds outside 0–20 (LocalStack AWS-validated snapshot
        // test_send_receive_wait_time_seconds, for 21 and -1: InvalidParameterValue "Value 21 for parameter
        // WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."); the botocore model has no range.
        // A valid wait is not emulated: the receive answers at once (virtual time).
        if (input.WaitTimeSeconds !== undefined && input.WaitTimeSeconds !== null) {
          const wait = Number(input.WaitTimeSeconds);
          if (!Number.isInteger(wait) || wait < 0 || wait > MAX_WAIT_TIME_SECONDS) {
            throw new AwsError('InvalidParameterValue', `Value ${String(input.WaitTimeSeconds)} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= ${MAX_WAIT_TIME_SECONDS}, if provided.`);
          }
        }
        const visibility = input.VisibilityTimeout === undefined ? undefined : this.visibilitySeconds(input.VisibilityTimeout);
        const messages = this.receive(this.queueOf(input).model.name, max, visibility);
        return {
          Messages: messages.map((m) => ({
            MessageId: m.messageId,
            ReceiptHandle: m.receiptHandle,
            MD5OfBody: m.md5OfBody,
            Body: m.body,
            Attributes: m.attributes,
            MessageAttributes: Object.fromEntries(Object.entries(m.messageAttributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
          })),
        };
      },
      DeleteMessage: (input) => {
        this.delete(this.queueOf(input).model.name, this.receiptHandleOf(input));
        return {};
      },
      ChangeMessageVisibility: (input) => {
        this.changeVisibility(this.queueOf(input).model.name, this.receiptHandleOf(input), this.visibilitySeconds(input.VisibilityTimeout));
        return {};
      },
      GetQueueAttributes: (input) => {
        const queue = this.queueOf(input);
        this.expire(queue);
        const now = this.clock.now().getTime();
        const visible = queue.messages.filter((m) => m.invisibleUntil <= now).length;
        return {
          Attributes: {
            QueueArn: queue.model.arn,
            ApproximateNumberOfMessages: String(visible),
            ApproximateNumberOfMessagesNotVisible: String(queue.messages.length - visible),
            VisibilityTimeout: String(queue.model.visibilityTimeoutSeconds),
            MessageRetentionPeriod: String(queue.model.retentionSeconds),
            ...(queue.model.redrive
              ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: this.byName.get(queue.model.redrive.deadLetterQueueName)?.model.arn, maxReceiveCount: queue.model.redrive.maxReceiveCount }) }
              : {}),
          },
        };
      },
      StartMessageMoveTask: (input) => this.startMessageMoveTask(input),
    };
  }

  /** Puts a message on a queue by name (EventBridge rule targets deliver this way). */
  enqueue(queueName: string, body: string, attributes: Record<string, string> = {}): string {
    const queue = this.byName.get(queueName);
    if (!queue) throw new AwsError('AWS.SimpleQueueService.NonExistentQueue', `The specified queue does not exist: ${queueName}`);
    return this.sendMessage(queue, { MessageBody: body, MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])) }).MessageId;
  }

  /**
   * Receives up to `max` visible messages: each becomes invisible for the
   * visibility timeout and gets a new receipt handle; a message received
   * more often than the redrive policy allows moves to the dead-letter queue.
   */
  receive(queueName: string, max: number, visibilitySeconds?: number): ReceivedMessage[] {
    const queue = this.byName.get(queueName);
    if (!queue) throw new AwsError('AWS.SimpleQueueService.NonExistentQueue', `The specified queue does not exist: ${queueName}`);
    this.expire(queue);
    const now = this.clock.now().getTime();
    const received: ReceivedMessage[] = [];
    for (const message of [...queue.messages]) {
      if (received.length >= max) break;
      if (message.invisibleUntil > now) continue;
      const redrive = queue.model.redrive;
      if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
        this.moveToDeadLetterQueue(queue, message, redrive.deadLetterQueueName);
        continue;
      }
      message.receiveCount++;
      message.receivedAt = now;
      message.invisibleUntil = now + (visibilitySeconds ?? queue.model.visibilityTimeoutSeconds) * 1000;
      message.receiptHandle = `${message.messageId}#${message.receiveCount}#${createHash('sha256').update(`${queueName}:${message.messageId}:${message.receiveCount}`).digest('hex').slice(0, 24)}`;
      this.onMessageAvailable(queueName, message.invisibleUntil);
      received.push({
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body: message.body,
        md5OfBody: md5(message.body),
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAt),
          ApproximateFirstReceiveTimestamp: String(now),
        },
        messageAttributes: message.attributes,
      });
    }
    return received;
  }

  /** DeleteMessage: only the latest receipt handle deletes; an older one succeeds and deletes nothing. */
  delete(queueName: string, receiptHandle: string): void {
    const queue = this.byName.get(queueName)!;
    const index = queue.messages.findIndex((m) => m.receiptHandle === receiptHandle);
    if (index >= 0) queue.messages.splice(index, 1);
    else if (!RECEIPT_HANDLE.test(receiptHandle)) throw new AwsError('ReceiptHandleIsInvalid', `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`);
  }

  /**
   * ChangeMessageVisibility: relative to now, for the message's latest receive.
   *
   * - A message no longer in the queue (deleted, dead-lettered, expired): InvalidParameterValue "Value <handle> for
   *   parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout
   *   change." (LocalStack AWS-validated test_change_visibility_on_deleted_message_raises_invalid_parameter_value).
   * - A message whose visibility timeout has expired and that nobody received again: 200 (LocalStack AWS-validated
   *   snapshot test_change_message_visibility_after_visibility_timeout_expiration). The snapshot records only the
   *   answer; as LocalStack does, the message is left visible (the change applies to in-flight messages only).
   * - "The maximum is 12 hours ... If you attempt to set the VisibilityTimeout to a value greater than the maximum
   *   time left, Amazon SQS returns an error." (botocore sqs ChangeMessageVisibility): the new timeout may not end
   *   more than 43,200 s after the receive. The error is undocumented; InvalidParameterValue "... Reason: Total
   *   VisibilityTimeout for the message is beyond the limit [43200 seconds]" is the answer SQS users report.
   * - An older handle of a message received again since: MessageNotInflight, as before (not covered by a source).
   */
  changeVisibility(queueName: string, receiptHandle: string, seconds: number): void {
    const queue = this.byName.get(queueName)!;
    const now = this.clock.now().getTime();
    if (!RECEIPT_HANDLE.test(receiptHandle)) throw new AwsError('ReceiptHandleIsInvalid', `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`);
    this.expire(queue);
    const messageId = receiptHandle.slice(0, receiptHandle.indexOf('#'));
    const message = queue.messages.find((m) => m.messageId === messageId);
    if (!message) {
      throw new AwsError('InvalidParameterValue', `Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
    }
    if (message.receiptHandle !== receiptHandle) throw new AwsError('MessageNotInflight', 'The message referred to is not in flight.');
    if (message.invisibleUntil <= now) return;
    const receivedAt = message.receivedAt ?? now;
    if (now + seconds * 1000 - receivedAt > MAX_VISIBILITY_TIMEOUT_SECONDS * 1000) {
      throw new AwsError('InvalidParameterValue', `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_TIMEOUT_SECONDS} seconds]`);
    }
    message.invisibleUntil = now + seconds * 1000;
    this.onMessageAvailable(queueName, message.invisibleUntil);
  }

  /** The earliest moment a message of the queue becomes visible, if any is invisible now. */
  nextVisibleAt(queueName: string): number | undefined {
    const now = this.clock.now().getTime();
    let next: number | undefined;
    for (const m of this.byName.get(queueName)?.messages ?? []) {
      if (m.invisibleUntil > now && (next === undefined || m.invisibleUntil < next)) next = m.invisibleUntil;
    }
    return next;
  }

  /** Whether the queue holds a message that can be received now. */
  hasVisible(queueName: string): boolean {
    const now = this.clock.now().getTime();
    return (this.byName.get(queueName)?.messages ?? []).some((m) => m.invisibleUntil <= now);
  }

  private sendMessage(queue: Queue, input: Record<string, unknown>): { MessageId: string; MD5OfMessageBody: string } {
    const body = typeof input.MessageBody === 'string' ? input.MessageBody : '';
    if (!body) throw new AwsError('InvalidParameterValue', 'The request must contain the parameter MessageBody.');
    // The message size counts the body and each message attribute's name, data type and value (LocalStack
    // AWS-validated snapshot test_send_oversized_message: a body that fits alone, with one String attribute k=x that
    // takes it past the limit, is InvalidParameterValue "One or more parameters are invalid. Reason: Message must be
    // shorter than 1048576 bytes.").
    if (Buffer.byteLength(body) + attributesSize(input.MessageAttributes) > MAX_MESSAGE_BYTES) {
      throw new AwsError('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`);
    }
    if (INVALID_CHARACTER.test(body)) {
      throw new AwsError('InvalidMessageContents', 'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');
    }
    const attributes = Object.fromEntries(
      Object.entries((input.MessageAttributes ?? {}) as Record<string, { StringValue?: string }>).map(([k, v]) => [k, v.StringValue ?? '']),
    );
    const delaySeconds = Number(input.DelaySeconds ?? 0);
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) throw new AwsError('InvalidParameterValue', 'Value for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.');
    const now = this.clock.now().getTime();
    // Ids derive from a counter, not from randomness: a run repeats for its seed.
    const messageId = createHash('sha256').update(`${queue.model.name}:${this.sequence++}`).digest('hex').slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    queue.messages.push({ messageId, body, attributes, sentAt: now, receiveCount: 0, invisibleUntil: delaySeconds > 0 ? now + delaySeconds * 1000 : 0 });
    this.onMessageAvailable(queue.model.name, now + delaySeconds * 1000);
    return { MessageId: messageId, MD5OfMessageBody: md5(body) };
  }

  private moveToDeadLetterQueue(from: Queue, message: QueuedMessage, deadLetterQueueName: string): void {
    const target = this.byName.get(deadLetterQueueName);
    from.messages.splice(from.messages.indexOf(message), 1);
    if (!target) return;
    // Standard queues keep the original enqueue time, so retention counts from the first send.
    target.messages.push({ ...message, receiveCount: 0, invisibleUntil: 0, receiptHandle: undefined, deadLetterSourceName: from.model.name });
    this.onDeadLettered(message, from.model.name, deadLetterQueueName);
    this.onMessageAvailable(deadLetterQueueName, this.clock.now().getTime());
  }

  /** Moves every message of a dead-letter queue back to its source queue, or to DestinationArn. */
  private startMessageMoveTask(input: Record<string, unknown>) {
    const source = this.byArn.get(String(input.SourceArn ?? ''));
    if (!source) throw new AwsError('ResourceNotFoundException', `The resource that you specified for the SourceArn parameter doesn't exist.`);
    const isDeadLetterQueue = [...this.byName.values()].some((q) => q.model.redrive?.deadLetterQueueName === source.model.name);
    if (!isDeadLetterQueue) throw new AwsError('InvalidParameterValue', 'Source queue must be configured as a Dead Letter Queue.');
    const destination = input.DestinationArn === undefined ? undefined : this.byArn.get(String(input.DestinationArn));
    if (input.DestinationArn !== undefined && !destination) throw new AwsError('ResourceNotFoundException', `The resource that you specified for the DestinationArn parameter doesn't exist.`);
    this.expire(source);
    let moved = 0;
    for (const message of [...source.messages]) {
      const target = destination ?? (message.deadLetterSourceName ? this.byName.get(message.deadLetterSourceName) : undefined);
      if (!target) continue; // no known source and no destination: stays (as the service does)
      source.messages.splice(source.messages.indexOf(message), 1);
      target.messages.push({ ...message, receiveCount: 0, invisibleUntil: 0, receiptHandle: undefined, deadLetterSourceName: undefined });
      this.onMessageAvailable(target.model.name, this.clock.now().getTime());
      moved++;
    }
    const taskHandle = Buffer.from(JSON.stringify({ source: source.model.arn, moved, at: this.clock.now().getTime() })).toString('base64');
    return { TaskHandle: taskHandle };
  }

  /** Drops messages older than the queue's retention period, as SQS does. */
  private expire(queue: Queue): void {
    const oldest = this.clock.now().getTime() - queue.model.retentionSeconds * 1000;
    for (let i = queue.messages.length - 1; i >= 0; i--) if (queue.messages[i]!.sentAt < oldest) queue.messages.splice(i, 1);
  }

  private queueOf(input: Record<string, unknown>): Queue {
    const queue = this.byUrl.get(String(input.QueueUrl ?? ''));
    if (!queue) throw new AwsError('AWS.SimpleQueueService.NonExistentQueue', `The specified queue does not exist for this wsdl version.`);
    return queue;
  }

  private receiptHandleOf(input: Record<string, unknown>): string {
    if (typeof input.ReceiptHandle !== 'string' || input.ReceiptHandle === '') throw new AwsError('MissingParameter', 'The request must contain the parameter ReceiptHandle.');
    return input.ReceiptHandle;
  }

  private visibilitySeconds(value: unknown): number {
    const seconds = Number(value);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_TIMEOUT_SECONDS) {
      throw new AwsError('InvalidParameterValue', `Value ${String(value)} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`);
    }
    return seconds;
  }
}
