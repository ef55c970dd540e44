/**
 * `isTransient` against the SDK's own classification, for every exception
 * every client Shepherd uses models: where they disagree, it is on purpose
 * and written down here with the reason.
 */
import { Readable } from 'node:stream';
import * as cloudcontrol from '@aws-sdk/client-cloudcontrol';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import * as partnercentralchannel from '@aws-sdk/client-partnercentral-channel';
import * as servicecatalog from '@aws-sdk/client-service-catalog';
import * as sfn from '@aws-sdk/client-sfn';
import * as sqs from '@aws-sdk/client-sqs';
import * as sts from '@aws-sdk/client-sts';
import { HttpResponse } from '@smithy/core/protocols';
import { isRetryableByTrait, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { SdkError } from '@smithy/types';
import { TransientServiceError, asTransient, isTransient } from '../../shared/runtime/errors';

/** Each client package, under the service name in its exceptions' shape ids (`com.amazonaws.<name>#...`). */
const CLIENTS: Record<string, Record<string, unknown>> = { cloudcontrol, dynamodb, eventbridge, partnercentralchannel, servicecatalog, sfn, sqs, sts };

/** The SDK retries these; Shepherd reports them as failures. */
const SHEPHERD_DOES_NOT_RETRY: Record<string, string> = {
  'servicecatalog#LimitExceededException': 'a quota (CreatePortfolioShare): "The current limits of the service would have been exceeded"',
  'eventbridge#LimitExceededException': 'a quota: "attempted to create resource beyond the allowed service quota"',
  'partnercentralchannel#ServiceQuotaExceededException': 'modeled @retryable, but a quota: "would exceed a service quota limit"',
  'cloudcontrol#HandlerInternalFailureException': 'a bug in the resource handler; the handler contract types InternalFailure Terminal',
};

/** The SDK does not retry these; Shepherd does. */
const SHEPHERD_RETRIES: Record<string, string> = {
  'sfn#ExecutionLimitExceeded': 'the running-executions ceiling frees up as executions end',
  'sfn#KmsThrottlingException': 'KMS throttling',
  'sqs#KmsThrottled': 'KMS throttling',
  'cloudcontrol#ConcurrentOperationException': 'another operation on the resource: passes when it ends',
  'cloudcontrol#ResourceConflictException': '"temporarily unavailable" until another operation ends (contract: Retriable)',
};

type ExceptionClass = new (options: { message: string; $metadata: { httpStatusCode: number } }) => SdkError & { $fault?: string };

/** Every exception class a client package exports: the subclasses of its `*ServiceException`. */
function exceptionsOf(client: Record<string, unknown>): [string, ExceptionClass][] {
  const base = Object.entries(client).find(([name, value]) => name.endsWith('ServiceException') && typeof value === 'function')?.[1] as new (...args: never[]) => unknown;
  return Object.entries(client).filter((entry): entry is [string, ExceptionClass] => typeof entry[1] === 'function' && entry[1].prototype instanceof base);
}

/** The model's HTTP status: the `httpError` trait of the error schema the package exports as `<Name>$`. */
function modeledStatus(client: Record<string, unknown>, name: string): number | undefined {
  const schema = client[`${name}$`];
  const traits = Array.isArray(schema) ? (schema[3] as { httpError?: unknown }) : undefined;
  return typeof traits?.httpError === 'number' ? traits.httpError : undefined;
}

/** The exception as the SDK throws it, with its modeled status (else 400 or 500 by fault). */
function construct(client: Record<string, unknown>, name: string, Exception: ExceptionClass): SdkError {
  const error = new Exception({ message: 'm', $metadata: { httpStatusCode: 0 } });
  const httpStatusCode = modeledStatus(client, name) ?? (error.$fault === 'server' ? 500 : 400);
  return new Exception({ message: 'm', $metadata: { httpStatusCode } });
}

const sdkRetries = (e: SdkError) => isThrottlingError(e) || isTransientError(e) || isServerError(e) || isRetryableByTrait(e);

const verdict = (key: string, sdk: boolean, shepherd: boolean) =>
  `${key}: the SDK ${sdk ? 'retries' : 'does not retry'}, Shepherd ${shepherd ? 'retries' : 'does not'}`;

describe('every modeled exception, against the SDK', () => {
  const rows = Object.entries(CLIENTS).flatMap(([service, client]) =>
    exceptionsOf(client).map(([name, Exception]) => {
      const error = construct(client, name, Exception);
      return { service, name, Exception, key: `${service}#${name}`, sdk: sdkRetries(error), shepherd: isTransient(error) };
    }),
  );

  it('finds every client, its exceptions, their shape ids and modeled statuses', () => {
    for (const [service, client] of Object.entries(CLIENTS)) expect([service, exceptionsOf(client).length > 0]).toEqual([service, true]);
    const wrongShapeIds = rows.filter((r) => (r.Exception as unknown as { shapeId?: string }).shapeId !== `com.amazonaws.${r.key}`).map((r) => r.key);
    expect(wrongShapeIds).toEqual([]);
    // The schema layout the statuses come from is still what this reads.
    expect(modeledStatus(cloudcontrol, 'ThrottlingException')).toBe(429);
    expect(modeledStatus(partnercentralchannel, 'ServiceQuotaExceededException')).toBe(402);
  });

  it('agrees with the SDK except where documented', () => {
    const disagreements = rows.filter((r) => r.sdk !== r.shepherd).map((r) => verdict(r.key, r.sdk, r.shepherd));
    const documented = [
      ...Object.keys(SHEPHERD_DOES_NOT_RETRY).map((key) => verdict(key, true, false)),
      ...Object.keys(SHEPHERD_RETRIES).map((key) => verdict(key, false, true)),
    ];
    expect(disagreements.sort()).toEqual(documented.sort());
  });
});

const status = (name: string, httpStatusCode: number) => Object.assign(new Error('m'), { name, $metadata: { httpStatusCode } });
const named = (name: string) => Object.assign(new Error('m'), { name });
const meta = (httpStatusCode: number) => ({ message: 'm', $metadata: { httpStatusCode } });
const socket = (code: string) => Object.assign(new Error('socket'), { code });

describe('isTransient', () => {
  it.each<[string, unknown]>([
    ['a 503 with an unknown name', status('SomethingNew', 503)],
    ['a 429 with an unknown name', status('SomethingNew', 429)],
    ['any other 5xx (to the SDK a server error, not transient)', status('SomethingNew', 507)],
    ['ProvisionedThroughputExceededException', new dynamodb.ProvisionedThroughputExceededException(meta(400))],
    ['ThrottlingException', new dynamodb.ThrottlingException(meta(400))],
    ['RequestLimitExceeded', new dynamodb.RequestLimitExceeded(meta(400))],
    ['TooManyRequestsException', named('TooManyRequestsException')],
    ['a Cloud Control ThrottlingException without a status', named('ThrottlingException')],
    ['ExecutionLimitExceeded', new sfn.ExecutionLimitExceeded(meta(400))],
    ['ConcurrentOperationException', new cloudcontrol.ConcurrentOperationException(meta(409))],
    ['InternalFailure without a status', named('InternalFailure')],
    ['TransientServiceError', new TransientServiceError('already classified')],
    ['{ name: TimeoutError }', { name: 'TimeoutError' }],
    ['ECONNRESET', socket('ECONNRESET')],
    ['EAI_AGAIN', socket('EAI_AGAIN')],
    ['a wrapped socket reset (the SDK follows cause)', new Error('fetch failed', { cause: socket('ECONNRESET') })],
    ['a wrapped throttle (the SDK would not follow cause for it)', new Error('wrapped', { cause: new dynamodb.ThrottlingException(meta(400)) })],
    ["DynamoDB's LimitExceededException (concurrent table operations)", new dynamodb.LimitExceededException(meta(400))],
  ])('%s is transient', (_, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['ConditionalCheckFailedException', new dynamodb.ConditionalCheckFailedException(meta(400))],
    ['ValidationException', new sfn.ValidationException(meta(400))],
    ['AccessDeniedException (in the SDK clock-skew list)', new eventbridge.AccessDeniedException(meta(400))],
    ['AccessDeniedException, 403', new partnercentralchannel.AccessDeniedException(meta(403))],
    ['AccessDeniedException without a status', named('AccessDeniedException')],
    ['ResourceNotFoundException', new cloudcontrol.ResourceNotFoundException(meta(404))],
    ["Service Catalog's LimitExceededException (a quota)", new servicecatalog.LimitExceededException(meta(400))],
    ["EventBridge's LimitExceededException (a quota)", new eventbridge.LimitExceededException(meta(400))],
    ['LimitExceededException from no known service', named('LimitExceededException')],
    ["Partner Central's ServiceQuotaExceededException, though @retryable", new partnercentralchannel.ServiceQuotaExceededException({ ...meta(402), resourceId: 'r', resourceType: 't', quotaCode: 'q' })],
    ['HandlerInternalFailureException, though 502', new cloudcontrol.HandlerInternalFailureException(meta(502))],
    ['a wrapped quota', new Error('wrapped', { cause: new servicecatalog.LimitExceededException(meta(400)) })],
    ['an AbortError around a timeout (the caller gave up)', Object.assign(new Error('aborted', { cause: { name: 'TimeoutError' } }), { name: 'AbortError' })],
    ["Error('boom')", new Error('boom')],
    ['undefined', undefined],
    ['null', null],
    ['a string', 'ThrottlingException'],
  ])('%s is not transient', (_, error) => {
    expect(isTransient(error)).toBe(false);
  });

  it('tells the service from errors as the SDK throws them', async () => {
    // A JSON error response, deserialized by the real client: the same name, two services, two answers.
    const answering = (type: string) => ({
      handle: async () => ({
        response: new HttpResponse({
          statusCode: 400,
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type },
          body: Readable.from([Buffer.from(JSON.stringify({ __type: type, message: 'limit' }))]),
        }),
      }),
    });
    const options = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1, requestHandler: answering('LimitExceededException') };
    const fromServiceCatalog = await new servicecatalog.ServiceCatalogClient(options).send(new servicecatalog.DescribeProductCommand({ Id: 'prod-1' })).catch((e: unknown) => e);
    const fromDynamo = await new dynamodb.DynamoDBClient(options).send(new dynamodb.DescribeTableCommand({ TableName: 't' })).catch((e: unknown) => e);
    expect([fromServiceCatalog, fromDynamo]).toMatchObject([{ name: 'LimitExceededException' }, { name: 'LimitExceededException' }]);
    expect([isTransient(fromServiceCatalog), isTransient(fromDynamo)]).toEqual([false, true]);
  });
});

describe('asTransient', () => {
  it('renames a transient fault TransientServiceError, keeping its name', () => {
    expect(asTransient(new dynamodb.ProvisionedThroughputExceededException(meta(400)))).toMatchObject({
      name: 'TransientServiceError',
      causeName: 'ProvisionedThroughputExceededException',
    });
  });

  it('returns a refusal as it is', () => {
    const refusal = new servicecatalog.LimitExceededException(meta(400));
    expect(asTransient(refusal)).toBe(refusal);
  });
});
