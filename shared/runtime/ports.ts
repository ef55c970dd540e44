import type { CloudControlClient } from '@aws-sdk/client-cloudcontrol';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PartnerCentralChannelClient } from '@aws-sdk/client-partnercentral-channel';
import type { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { STSClient } from '@aws-sdk/client-sts';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Ledger } from './ledger';

/** Temporary credentials, as STS AssumeRole hands them out (the SDK's AwsCredentialIdentity). */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** The AWS clients a handler may be given. Only types here: each function bundles the clients it names (shared/runtime/clients/). */
export interface Clients {
  cloudControl: CloudControlClient;
  eventBridge: EventBridgeClient;
  serviceCatalog: ServiceCatalogClient;
  partnerCentral: PartnerCentralChannelClient;
  sfn: SFNClient;
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  sts: STSClient;
  /**
   * A Service Catalog client that signs with other credentials: a session of a role assumed in another account
   * (shared/runtime/spoke.ts). Built per session; the function's own client signs as the function.
   */
  serviceCatalogWith: (credentials: SessionCredentials) => ServiceCatalogClient;
}
export type ClientName = keyof Clients;

/** What every handler gets besides its clients. */
export interface Basics {
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

/**
 * What a domain function may touch: the clients it names and the basics.
 * `Uses<'cloudControl'>` says in the signature that a step calls Cloud
 * Control and nothing else; test/packaging/least-privilege.test.ts holds the
 * IAM actions of each function to the calls its bundle makes.
 */
export type Uses<K extends ClientName = never> = Pick<Clients, K> & Basics;

/**
 * Everything there is: unit tests inject mocks of all of it, and the local
 * stack builds whichever client a function asks for on first use.
 */
export type Ports = Clients & Basics;

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
