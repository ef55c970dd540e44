import { CloudControlClient } from '@aws-sdk/client-cloudcontrol';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PartnerCentralChannelClient } from '@aws-sdk/client-partnercentral-channel';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { systemClock, type Clock } from './clock';
import { configFromEnv, type Config } from './config';
import { noLedger, type Ledger } from './ledger';

/**
 * Everything a handler talks to, built once per Lambda container and passed
 * in, so unit tests inject mocks and the local stack injects clients that
 * point at its emulator and a virtual clock.
 */
export interface Ports {
  cloudControl: CloudControlClient;
  eventBridge: EventBridgeClient;
  serviceCatalog: ServiceCatalogClient;
  partnerCentral: PartnerCentralChannelClient;
  sfn: SFNClient;
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  /** "Do this once": given by defineHandler to the functions that ask for it. */
  ledger: Ledger;
  clock: Clock;
  /** Uniform in [0, 1): jitter. */
  random: () => number;
  /** Pauses between retries inside one invocation (locally on the virtual clock, where the pause counts toward the function's timeout). */
  sleep: (ms: number) => Promise<void>;
  config: Config;
  logger: Logger;
  /** The invocation running now (one at a time per container): set by defineHandler from the Lambda context. */
  invocation: { remainingMs: () => number };
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long one HTTP request to an AWS API may go unanswered before the SDK
 * gives up on it (TimeoutError, which it retries). Without one, a call that
 * hangs holds the function until its own timeout, and a function that times
 * out is retried as a dead function, not as an outage. Every call Shepherd
 * makes answers in well under a second; 5 s leaves room for a slow one, and
 * the SDK's three tries (15 s and its back-off) end well inside the shortest
 * function timeout (30 s) with a TimeoutError the workflows retry for hours.
 */
export const SDK_REQUEST_TIMEOUT_MS = 5_000;
export const SDK_CONNECTION_TIMEOUT_MS = 3_000;
/**
 * DynamoDB answers in milliseconds; a call to the ledger that has not
 * answered in 2 s will not, and waiting 10 s for it (three times, with the
 * SDK's retries) could outlast the invocation in the middle of recording a
 * side effect.
 */
export const DYNAMODB_REQUEST_TIMEOUT_MS = 2_000;

/** Client settings every production client shares: the SDK's standard retries, and request timeouts. */
const clientDefaults = {
  maxAttempts: 3,
  retryMode: 'standard',
  requestHandler: { requestTimeout: SDK_REQUEST_TIMEOUT_MS, connectionTimeout: SDK_CONNECTION_TIMEOUT_MS },
} as const;

export function productionPorts(env: NodeJS.ProcessEnv = process.env): Ports {
  return {
    cloudControl: new CloudControlClient(clientDefaults),
    eventBridge: new EventBridgeClient(clientDefaults),
    serviceCatalog: new ServiceCatalogClient(clientDefaults),
    // Partner Central Channel is served from us-east-1 only.
    partnerCentral: new PartnerCentralChannelClient({ ...clientDefaults, region: 'us-east-1' }),
    sfn: new SFNClient(clientDefaults),
    dynamodb: new DynamoDBClient({ ...clientDefaults, requestHandler: { requestTimeout: DYNAMODB_REQUEST_TIMEOUT_MS, connectionTimeout: 1_000 } }),
    sqs: new SQSClient(clientDefaults),
    ledger: noLedger,
    clock: systemClock,
    random: Math.random,
    sleep: realSleep,
    config: configFromEnv(env),
    logger: new Logger({ serviceName: 'shepherd' }),
    invocation: { remainingMs: () => 30_000 },
  };
}
