import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { required } from '../runtime/config';
import { asTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import type { OutgoingEvent } from './publish';

/** SQS messages stay under 256 KiB: undelivered events are parked in chunks. */
const MAX_CHUNK_BYTES = 200 * 1024;

/**
 * Parks events EventBridge kept refusing in the dead-letter queue, with the
 * reason, so an operator can replay them: nothing Shepherd owes a subscriber
 * is dropped silently.
 */
export async function parkUndeliveredEvents(events: OutgoingEvent[], reason: string, ports: Uses<'sqs'>): Promise<number> {
  const queueUrl = required(ports.config.deadLetterQueueUrl, 'DEAD_LETTER_QUEUE_URL');
  const chunks: OutgoingEvent[][] = [[]];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event));
    if (bytes + size > MAX_CHUNK_BYTES && chunks.at(-1)!.length > 0) {
      chunks.push([]);
      bytes = 0;
    }
    chunks.at(-1)!.push(event);
    bytes += size;
  }
  for (const chunk of chunks.filter((c) => c.length > 0)) {
    try {
      await ports.sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify({ kind: 'UndeliveredEvents', reason, events: chunk }),
          MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 256) } },
        }),
      );
    } catch (error) {
      throw asTransient(error);
    }
  }
  ports.logger.error('Undelivered events parked in the dead-letter queue', { events: events.length, reason });
  return events.length;
}
