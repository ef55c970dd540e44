/**
 * Shepherd's errors share a base, ShepherdError: each is named as its class
 * (the name a workflow matches), and an error made from another keeps that
 * other as its `cause` — which never leaves the Lambda, so it cannot make a
 * reported error bigger.
 */
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, ProvisionedThroughputExceededException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { IncomingEvent } from '../../shared/events/reject';
import { guardrailsFor } from '../../shared/guardrails';
import { cancelResourceOperation } from '../../shared/resource-operation/cancel';
import { DynamoLedger } from '../../shared/runtime/dynamo-ledger';
import { ShepherdError, TransientServiceError, asTransient } from '../../shared/runtime/errors';
import { RetryLater } from '../../shared/runtime/retry-later';
import { requestOwnerKey } from '../../shared/workflow/ingest';
import { productErrorClasses } from '../support/error-classes';
import { NOW, envelope, testPorts } from '../support/ports';

const meta = { message: 'Rate of requests exceeds the allowed throughput', $metadata: { httpStatusCode: 400 } };

/** What the Lambda Node.js runtime reports for an error a handler throws (aws-lambda-nodejs-runtime-interface-client, formatError). */
const reported = (error: Error) => ({ errorType: error.name, errorMessage: error.message, trace: error.stack?.split('\n') ?? [] });

describe('every Shepherd error class', () => {
  const classes = [...productErrorClasses().values()];

  it.each(classes.map((c) => [c.errorName, c]))('%s is named as its class, is a ShepherdError, and keeps a cause', (errorName, { errorClass }) => {
    const cause = new Error('the original');
    const error = new errorClass('what happened', { cause });
    expect(errorName).toBe(errorClass.name);
    expect(error.name).toBe(errorClass.name);
    expect(error).toBeInstanceOf(ShepherdError);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('what happened');
    expect(error.cause).toBe(cause);
    expect(error.stack?.split('\n')[0]).toBe(`${errorClass.name}: what happened`);
    expect(Object.hasOwn(new errorClass('no cause'), 'cause')).toBe(false);
  });
});

describe('asTransient', () => {
  it('keeps the SDK error as the cause, and the message and names as they were', () => {
    const sdkError = new ProvisionedThroughputExceededException(meta);
    const error = asTransient(sdkError) as TransientServiceError;
    expect(error).toBeInstanceOf(TransientServiceError);
    expect(error.cause).toBe(sdkError);
    expect(error.name).toBe('TransientServiceError');
    expect(error.causeName).toBe('ProvisionedThroughputExceededException');
    expect(error.message).toBe('ProvisionedThroughputExceededException: Rate of requests exceeds the allowed throughput');
  });

  it('keeps the quota in the message, as before', () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException', serviceCode: 'sc', quotaCode: 'L-1' });
    const error = asTransient(throttled) as TransientServiceError;
    expect(error.message).toBe('ThrottlingException: slow down (serviceCode sc, quotaCode L-1)');
    expect(error.cause).toBe(throttled);
  });
});

describe('a cause never leaves the Lambda', () => {
  it('is not in what the runtime reports, nor in the error as JSON', () => {
    const huge = new Error('x'.repeat(100_000));
    const withCause = new TransientServiceError('throttled', 'ThrottlingException', { cause: huge });
    const without = new TransientServiceError('throttled', 'ThrottlingException');
    const report = reported(withCause);
    expect({ errorType: report.errorType, errorMessage: report.errorMessage }).toEqual({ errorType: without.name, errorMessage: without.message });
    expect(JSON.stringify(report).length).toBeLessThan(10_000);
    expect(JSON.stringify(withCause)).toBe(JSON.stringify(without));
    expect(Object.keys(withCause)).not.toContain('cause');
  });
});

describe('wrap sites keep the error they wrap', () => {
  const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });
  /** A ledger table where every conditional write fails and the key is held, unfinished, by someone else. */
  const heldLedger = (thrown: Error) => {
    const client = {
      send: async (command: unknown) => {
        if (command instanceof PutItemCommand) throw thrown;
        if (command instanceof GetItemCommand) return { Item: { key: { S: 'k' }, state: { S: 'IN_PROGRESS' } } };
        return {};
      },
    } as unknown as DynamoDBClient;
    return new DynamoLedger(client, 'ledger', { now: () => NOW }, async () => undefined, () => 60_000);
  };

  it('the ledger: "being done by another invocation" keeps the conditional failure', async () => {
    const thrown = conditionFailed();
    const error = await heldLedger(thrown).once('k', async () => 'done').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransientServiceError', message: '"k" is being done by another invocation' });
    expect((error as Error).cause).toBe(thrown);
  });

  it('the ledger: "held by an unfinished claim" keeps the conditional failure', async () => {
    const thrown = conditionFailed();
    const error = await heldLedger(thrown).claim('k', 'mine').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransientServiceError', message: '"k" is held by an unfinished claim' });
    expect((error as Error).cause).toBe(thrown);
  });

  it('a cancel that comes before its execution: RetryLater keeps ExecutionDoesNotExist', async () => {
    const sfn = mockClient(SFNClient);
    try {
      const missing = Object.assign(new Error('Execution does not exist'), { name: 'ExecutionDoesNotExist' });
      sfn.on(DescribeExecutionCommand).rejects(missing);
      const ports = testPorts();
      await ports.ledger.once(requestOwnerKey('req-early'), async () => ({
        workflow: 'resource-operation', digest: 'd', eventId: 'e', requestedAt: NOW.toISOString(), source: 'platform.provisioning', account: '123456789012',
      }));
      const error = await cancelResourceOperation(envelope('Resource Operation Cancel Requested', { requestId: 'req-early' }) as IncomingEvent, ports).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryLater);
      expect(error).toMatchObject({ name: 'RetryLater', message: 'request "req-early" is accepted and about to start' });
      expect((error as Error).cause).toBe(missing);
    } finally {
      sfn.restore();
    }
  });

  it('an invalid guardrails file keeps the validation error', () => {
    const error = (() => {
      try {
        return guardrailsFor('dev', { stages: { default: 'not an object' } });
      } catch (e) {
        return e;
      }
    })() as Error;
    expect(error.message).toMatch(/^config\/guardrails\.json is invalid: stages\.default: /);
    expect(error.cause).toMatchObject({ name: 'ZodError' });
  });
});
