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
  /** Pauses between retries inside one invocation (wall time, even locally: a Lambda is busy meanwhile). */
  sleep: (ms: number) => Promise<void>;
  config: Config;
  logger: Logger;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function productionPorts(env: NodeJS.ProcessEnv = process.env): Ports {
  return {
    cloudControl: new CloudControlClient({}),
    eventBridge: new EventBridgeClient({}),
    serviceCatalog: new ServiceCatalogClient({}),
    // Partner Central Channel is served from us-east-1 only.
    partnerCentral: new PartnerCentralChannelClient({ region: 'us-east-1' }),
    sfn: new SFNClient({}),
    dynamodb: new DynamoDBClient({}),
    sqs: new SQSClient({}),
    ledger: noLedger,
    clock: systemClock,
    random: Math.random,
    sleep: realSleep,
    config: configFromEnv(env),
    logger: new Logger({ serviceName: 'shepherd' }),
  };
}
