/**
 * Emulated SQS (AWS JSON protocol), as far as Shepherd uses it: SendMessage
 * to the queues serverless.yml declares. Messages are kept so tests can read
 * what reached the dead-letter queue, and why.
 */
import { createHash } from 'node:crypto';
import { AwsError, type ServiceOperations } from '../aws-server';

export interface QueuedMessage {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
}

const MAX_MESSAGE_BYTES = 256 * 1024;

export class SqsEmulator {
  /** queue URL → messages. */
  readonly queues = new Map<string, QueuedMessage[]>();

  constructor(queueUrls: string[]) {
    for (const url of queueUrls) this.queues.set(url, []);
  }

  operations(): ServiceOperations {
    return {
      SendMessage: (input) => {
        const queue = this.queues.get(String(input.QueueUrl));
        if (!queue) throw new AwsError('QueueDoesNotExist', `The specified queue does not exist: ${String(input.QueueUrl)}`);
        const body = String(input.MessageBody ?? '');
        if (!body) throw new AwsError('InvalidParameterValue', 'MessageBody must not be empty');
        if (Buffer.byteLength(body) > MAX_MESSAGE_BYTES) throw new AwsError('InvalidParameterValue', 'Message must be shorter than 262144 bytes');
        const attributes = Object.fromEntries(
          Object.entries((input.MessageAttributes ?? {}) as Record<string, { StringValue?: string }>).map(([k, v]) => [k, v.StringValue ?? '']),
        );
        const messageId = createHash('sha256').update(`${queue.length}:${body}`).digest('hex').slice(0, 32);
        queue.push({ messageId, body, attributes });
        return { MessageId: messageId, MD5OfMessageBody: createHash('md5').update(body).digest('hex') };
      },
    };
  }
}
