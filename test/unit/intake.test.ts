/**
 * The intake's batch contract with Lambda's SQS event source: which messages
 * it reports to try again, how it backs them off, and what it does with a
 * message that is not an event — with the SDK mocked at the client.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { parseEnvelope } from '../../shared/events/envelope';
import { MAX_RETRY_DELAY_SECONDS, retryDelaySeconds, takeRequests } from '../../shared/workflow/intake';
import createBucket from '../fixtures/events/create-bucket.json';
import { NOW, envelope, testPorts } from '../support/ports';

const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);
const dynamodb = mockClient(DynamoDBClient);

beforeEach(() => {
  dynamodb.reset();
  dynamodb.on(PutItemCommand).resolves({}); // the desired states, stored aside
  sfn.reset();
  sqs.reset();
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e-${i}` })) }));
});

function record(messageId: string, body: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: String(NOW.getTime()), SenderId: 'x', ApproximateFirstReceiveTimestamp: String(NOW.getTime()) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:shepherd-test-requests',
    awsRegion: 'us-east-1',
  };
}
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const request = (requestId: string, id = `evt-${requestId}`) => JSON.stringify(envelope('Resource Operation Requested', { ...createBucket, requestId }, id));

describe('a batch', () => {
  it('reports only the messages to try again, and backs each off by its receive count', async () => {
    sfn.on(StartExecutionCommand, { name: 'fine-1' }).resolves({ executionArn: 'arn:ok' });
    sfn.on(StartExecutionCommand, { name: 'throttled-1' }).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    const response = await takeRequests(batch(record('m1', request('fine-1')), record('m2', request('throttled-1'), 4)), testPorts({ random: () => 1 }));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/shepherd-test-requests', ReceiptHandle: 'handle-m2', VisibilityTimeout: 80 },
    ]);
  });

  it('stops taking messages before the invocation runs short, so the batch never times out with handled ones in it', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:ok' });
    let remaining = 60_000;
    const ports = testPorts({ invocation: { remainingMs: () => remaining } });
    // The first message takes 30 s (say, calls that hang): the others must wait for another invocation.
    sfn.on(StartExecutionCommand, { name: 'slow-1' }).callsFake(() => ((remaining -= 30_000), { executionArn: 'arn:slow' }));
    const response = await takeRequests(batch(record('m1', request('slow-1')), record('m2', request('next-1')), record('m3', request('next-2'))), ports);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual(['slow-1']);
  });

  it('keeps a message whose back-off cannot be set: the queue visibility timeout applies', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }));
    sqs.on(ChangeMessageVisibilityCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    await expect(takeRequests(batch(record('m1', request('down-1'))), testPorts())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it('parks a message that is not an event in the request dead-letter queue, and reports it done', async () => {
    const response = await takeRequests(batch(record('m1', '{"not":"an event"}')), testPorts());
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input).toMatchObject({
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/shepherd-test-requests-dead-letters',
      MessageBody: '{"not":"an event"}',
      MessageAttributes: { reason: { DataType: 'String', StringValue: 'the message is not an EventBridge event: "id" is not a string' } },
    });
  });

  it('keeps an unreadable message when it cannot be parked either', async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    await expect(takeRequests(batch(record('m1', 'garbage')), testPorts())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it('answers a request type the rule should not have routed here, instead of dropping it', async () => {
    const body = JSON.stringify({ ...envelope('Resource Operation Requested', {}), 'detail-type': 'Resource Operation Requestd' });
    await expect(takeRequests(batch(record('m1', body)), testPorts())).resolves.toEqual({ batchItemFailures: [] });
    const [entry] = eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(JSON.parse(entry!.Detail!)).toMatchObject({ detailType: 'Resource Operation Requestd', errors: [{ field: 'detail-type', code: 'invalid_value' }] });
  });
});

describe('request kinds looked up by detail-type', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('answers detail-type "%s" as a type Shepherd does not take (no prototype lookup)', async (detailType) => {
    const eventBridge = mockClient(EventBridgeClient);
    const sfn = mockClient(SFNClient);
    mockClient(DynamoDBClient).on(PutItemCommand).resolves({});
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const body = JSON.stringify({ ...envelope('Resource Operation Requested', {}), 'detail-type': detailType });
    await expect(takeRequests(batch(record('m1', body)), testPorts())).resolves.toEqual({ batchItemFailures: [] });
    const [entry] = eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(JSON.parse(entry!.Detail!)).toMatchObject({ detailType, errors: [{ field: 'detail-type', code: 'invalid_value' }] });
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
  });
});

describe('retry delays', () => {
  it('start at 5–10 s, double, and never pass 15 minutes', () => {
    expect([1, 2, 3].map((n) => retryDelaySeconds(n, () => 0))).toEqual([5, 10, 20]);
    expect([1, 2, 3].map((n) => retryDelaySeconds(n, () => 0.999999))).toEqual([10, 20, 40]);
    for (const n of [7, 8, 50, 1000, 1e9]) expect(retryDelaySeconds(n, () => 0.999999)).toBeLessThanOrEqual(MAX_RETRY_DELAY_SECONDS);
    expect(retryDelaySeconds(Number.NaN, () => 0)).toBeGreaterThanOrEqual(1);
  });
});

describe('envelopes', () => {
  it.each([
    ['', 'the message body is not JSON'],
    ['[]', 'the message body is not a JSON object'],
    ['null', 'the message body is not a JSON object'],
    ['{"id":"x","source":"s"}', 'the message is not an EventBridge event: "detail-type" is not a string'],
    ['{"id":7,"source":"s","detail-type":"d"}', 'the message is not an EventBridge event: "id" is not a string'],
  ])('refuses %j: %s', (body, reason) => {
    expect(parseEnvelope(body)).toEqual({ ok: false, reason });
  });
});
