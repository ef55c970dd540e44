import { CloudControlClient } from '@aws-sdk/client-cloudcontrol';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PartnerCentralChannelClient } from '@aws-sdk/client-partnercentral-channel';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { Logger } from '@aws-lambda-powertools/logger';
import { lambdaContext as buildLambdaContext } from '../../local/harness/lambda-context';
import type { Ports } from '../../shared/runtime/ports';
import { WORKFLOWS } from '../../shared/workflows';
import { memoryLedger } from './memory-ledger';

export const NOW = new Date('2026-11-25T09:00:00.000Z');
export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:shepherd-test-resource-operation';

/** Ports over real SDK clients (mock them with aws-sdk-client-mock), a fixed clock and no jitter. */
export function testPorts(overrides: Partial<Ports> = {}): Ports {
  const region = 'us-east-1';
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  return {
    cloudControl: new CloudControlClient({ region, credentials }),
    eventBridge: new EventBridgeClient({ region, credentials }),
    serviceCatalog: new ServiceCatalogClient({ region, credentials }),
    partnerCentral: new PartnerCentralChannelClient({ region, credentials }),
    sfn: new SFNClient({ region, credentials }),
    dynamodb: new DynamoDBClient({ region, credentials }),
    sqs: new SQSClient({ region, credentials }),
    sts: new STSClient({ region, credentials }),
    serviceCatalogWith: (session) => new ServiceCatalogClient({ region, credentials: session }),
    ledger: memoryLedger(),
    clock: { now: () => NOW },
    random: () => 0.5,
    sleep: async () => undefined,
    config: {
      eventBusName: 'shepherd-test', operationTimeoutSeconds: 3600, maxAttempts: 3,
      ledgerTable: 'shepherd-test-ledger', deadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/shepherd-test-dead-letters',
      requestQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/shepherd-test-requests',
      requestDeadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/shepherd-test-requests-dead-letters',
      stateMachineArns: WORKFLOWS.map((w) => STATE_MACHINE_ARN.replace('resource-operation', w.name)), sweepLookbackSeconds: 3600, stage: 'local', partition: 'aws', accountId: '123456789012',
    },
    logger: new Logger({ serviceName: 'shepherd-test', logLevel: 'SILENT' }),
    invocation: { remainingMs: () => 60_000 },
    ...overrides,
  };
}

export const lambdaContext = buildLambdaContext('test', 'arn:aws:lambda:us-east-1:123456789012:function:test');

/** An EventBridge envelope as a rule target receives it. */
export function envelope(detailType: string, detail: unknown, id = '11111111-2222-3333-4444-555555555555') {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: 'platform.provisioning',
    account: '123456789012',
    time: '2026-11-25T08:59:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}
