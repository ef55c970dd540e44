/**
 * The vendored service models (local/emulators/models/*.json: botocore 1.43.11's
 * shapes, the SDK's error statuses) against the SDK clients Shepherd ships
 * with, and the local stack's HTTP statuses against both. Two sources the
 * project did not write must agree before the emulators are held to them;
 * where they differ, the difference is listed here with its reason.
 */
import * as cloudcontrol from '@aws-sdk/client-cloudcontrol';
import { CloudControlClient, GetResourceRequestStatusCommand } from '@aws-sdk/client-cloudcontrol';
import * as partnercentral from '@aws-sdk/client-partnercentral-channel';
import { PartnerCentralChannelClient, UpdateProgramManagementAccountCommand } from '@aws-sdk/client-partnercentral-channel';
import { AwsError, AwsServer } from '../../local/emulators/aws-server';
import { VirtualClock } from '../../local/emulators/clock';
import { COMMON_ERRORS, MODELS, errorStatus, type ServiceModel } from '../../local/emulators/models';
import { SERVICES, modelledStatus, sdkErrorTraits } from '../../local/emulators/models/extract';
import { startStack } from '../support/stack';

// Loads the client package the model names, by name, at runtime.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkOf = (model: ServiceModel) => require(SERVICES[model.service as keyof typeof SERVICES].sdk) as Record<string, unknown>;

/** A structure in the SDK's schema: `[3, namespace, name, traits, memberNames, memberSchemas, requiredCount?]` (required members first). */
function sdkStructure(client: Record<string, unknown>, name: string): { members: string[]; required: string[] } | undefined {
  const schema = client[`${name}$`];
  if (!Array.isArray(schema)) return undefined;
  const members = schema[4] as string[];
  return { members, required: members.slice(0, typeof schema[6] === 'number' ? schema[6] : 0) };
}

/** Where botocore 1.43.11 and the SDK clients in package.json differ, and why that is not an emulator's concern. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  // The SDK gives every exception a message member; botocore leaves it out where the Smithy model has none.
  // Every AWS error body carries a message anyway, so the checker allows it (check.ts, checkErrorBody).
  'events InternalException members': 'SDK adds message',
  'servicecatalog InvalidParametersException members': 'SDK adds Message',
  'servicecatalog InvalidStateException members': 'SDK adds Message',
  'servicecatalog LimitExceededException members': 'SDK adds Message',
  'servicecatalog OperationNotSupportedException members': 'SDK adds Message',
  'servicecatalog ResourceNotFoundException members': 'SDK adds Message',
  // @aws-sdk/client-sts 3.1174 is newer than botocore 1.43.11: session token sizing (MinimumSessionTokenSize in,
  // SessionTokenSize and SessionTokenUtilization out) arrived in between. Shepherd sends none and reads none.
  'sts AssumeRoleRequest members': 'SDK adds MinimumSessionTokenSize',
  'sts AssumeRoleResponse members': 'SDK adds SessionTokenSize, SessionTokenUtilization',
  // @aws-sdk/client-dynamodb 3.1169 is newer than botocore 1.43.11: VectorIndexes arrived in between.
  'dynamodb ConsumedCapacity members': 'SDK model is newer',
  // An @idempotencyToken member: the SDK fills it in, so it is optional to SDK callers; the service requires it.
  'servicecatalog UpdateProvisionedProductPropertiesInput required': 'SDK auto-fills the idempotency token',
};

describe('the vendored models', () => {
  it('cover exactly the operations each emulator serves, under the right X-Amz-Target prefix', async () => {
    const stack = await startStack();
    try {
      const modelled = Object.fromEntries(MODELS.map((m) => [m.targetPrefix, Object.keys(m.operations).sort()]));
      const served = Object.fromEntries(Object.entries(stack.server.served).map(([prefix, ops]) => [prefix, [...ops].sort()]));
      expect(served).toEqual(modelled);
    } finally {
      await stack.stop();
    }
  });

  it('name every file they came from: botocore version, license, SDK version', () => {
    for (const model of MODELS) {
      const source = (model as unknown as { _source: Record<string, string> })._source;
      expect(source.shapes).toMatch(/^botocore 1\.43\.11, data\/[a-z-]+\/\d{4}-\d{2}-\d{2}\/service-2\.json(\.gz)? \(Apache-2\.0/);
      expect(source.statuses).toContain(SERVICES[model.service as keyof typeof SERVICES].sdk);
    }
  });

  it('give each error the status, fault and query code of the installed SDK', () => {
    const rows = MODELS.flatMap((model) =>
      Object.entries(model.errors).map(([name, error]) => {
        const traits = sdkErrorTraits(sdkOf(model), name);
        const expected = traits && {
          status: modelledStatus(traits),
          fault: traits.error,
          ...(error.queryCode !== undefined ? { queryCode: traits.awsQueryError?.[0] } : {}),
        };
        return [`${model.service} ${name}`, error, expected];
      }),
    );
    expect(rows.filter(([, mine, sdk]) => JSON.stringify(mine) !== JSON.stringify(sdk))).toEqual([]);
    // botocore marks server faults with `fault: true`; the SDK with error: 'server'.
    const faults = MODELS.flatMap((m) => Object.entries(m.errors).map(([name, e]) => [`${m.service} ${name}`, e.fault === 'server', Boolean(m.shapes[name]?.fault)]));
    expect(faults.filter(([, sdk, botocore]) => sdk !== botocore)).toEqual([]);
  });

  it('agree with the SDK on every structure: its members and which are required', () => {
    const differences: string[] = [];
    for (const model of MODELS) {
      const client = sdkOf(model);
      for (const [name, shape] of Object.entries(model.shapes)) {
        if (shape.type !== 'structure') continue;
        const sdk = sdkStructure(client, name);
        if (!sdk) {
          differences.push(`${model.service} ${name} missing`);
          continue;
        }
        const same = (a: string[], b: string[]) => [...a].sort().join() === [...b].sort().join();
        if (!same(Object.keys(shape.members ?? {}), sdk.members)) differences.push(`${model.service} ${name} members`);
        if (!same(shape.required ?? [], sdk.required)) differences.push(`${model.service} ${name} required`);
      }
    }
    expect(differences.sort()).toEqual(Object.keys(KNOWN_DIFFERENCES).sort());
  });

  it('hold patterns that compile as full-match JavaScript regular expressions', () => {
    const broken = MODELS.flatMap((m) =>
      Object.entries(m.shapes)
        .filter(([, s]) => s.pattern !== undefined)
        .filter(([, s]) => {
          try {
            new RegExp(`^(?:${s.pattern})$`, 'u');
            return false;
          } catch {
            return true;
          }
        })
        .map(([name]) => `${m.service} ${name}`),
    );
    expect(broken).toEqual([]);
  });
});

describe('HTTP status, from the model in one place', () => {
  it.each<[string, string, number]>([
    ['CloudApiService', 'ConcurrentModificationException', 500],
    ['CloudApiService', 'ThrottlingException', 429],
    ['CloudApiService', 'TypeNotFoundException', 404],
    ['CloudApiService', 'RequestTokenNotFoundException', 404],
    ['CloudApiService', 'ResourceNotFoundException', 404],
    ['CloudApiService', 'ClientTokenConflictException', 409],
    ['CloudApiService', 'ConcurrentOperationException', 409],
    ['CloudApiService', 'ResourceConflictException', 409],
    ['PartnerCentralChannel', 'AccessDeniedException', 403],
    ['PartnerCentralChannel', 'ConflictException', 409],
    ['PartnerCentralChannel', 'ResourceNotFoundException', 404],
    ['PartnerCentralChannel', 'ThrottlingException', 429],
    ['PartnerCentralChannel', 'ValidationException', 400],
    // Not modelled by these services: the common errors' statuses.
    ['AWS242ServiceCatalogService', 'ThrottlingException', 400],
    ['AWS242ServiceCatalogService', 'ValidationException', 400],
    ['AWSEvents', 'UnrecognizedClientException', 403],
    ['AWSStepFunctions', 'InternalFailure', 500],
    // SQS answers with its query-compatible code; the status is QueueDoesNotExist's.
    ['AmazonSQS', 'AWS.SimpleQueueService.NonExistentQueue', 400],
  ])('%s %s → %i', (prefix, name, status) => {
    expect(errorStatus(prefix, name)).toBe(status);
  });

  it('matches the SDK clients for the statuses the issue names', () => {
    const sdk = (client: Record<string, unknown>, name: string) => modelledStatus(sdkErrorTraits(client, name)!);
    expect(['ConcurrentModificationException', 'ThrottlingException', 'TypeNotFoundException', 'RequestTokenNotFoundException'].map((n) => sdk(cloudcontrol, n))).toEqual([500, 429, 404, 404]);
    expect(['AccessDeniedException', 'ConflictException', 'ResourceNotFoundException', 'ThrottlingException'].map((n) => sdk(partnercentral, n))).toEqual([403, 409, 404, 429]);
  });

  it('lists every common error with a documented status', () => {
    for (const [name, { status }] of Object.entries(COMMON_ERRORS)) expect([name, [400, 403, 404, 500, 503].includes(status)]).toEqual([name, true]);
  });

  describe('as the SDK clients see it on the wire', () => {
    // A bare server whose operations throw the error the test names, status left to the model:
    // the real SDK clients then read the status and map the name as they would AWS's answer.
    let server: AwsServer;
    beforeAll(async () => {
      server = new AwsServer(new VirtualClock());
      const raise = (input: Record<string, unknown>) => {
        throw new AwsError(String(input.RequestToken ?? input.displayName), 'raised by the test');
      };
      server.register('CloudApiService', { GetResourceRequestStatus: raise });
      server.register('PartnerCentralChannel', { UpdateProgramManagementAccount: raise });
      await server.start();
    });
    afterAll(() => server.stop());
    const config = () => ({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    const seen = (e: { name: string; $fault: string; $metadata: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata.httpStatusCode} ${e.$fault}`;

    it.each([
      ['ConcurrentModificationException', '500 server'],
      ['ThrottlingException', '429 client'],
      ['TypeNotFoundException', '404 client'],
      ['RequestTokenNotFoundException', '404 client'],
      ['ClientTokenConflictException', '409 client'],
      ['ConcurrentOperationException', '409 client'],
      ['ValidationException', '400 client'],
    ])('Cloud Control %s: %s', async (name, expected) => {
      const client = new CloudControlClient(config());
      const error = await client.send(new GetResourceRequestStatusCommand({ RequestToken: name })).catch((e) => e);
      client.destroy();
      expect(seen(error)).toBe(`${name} ${expected}`);
    });

    it.each([
      ['AccessDeniedException', '403 client'],
      ['ConflictException', '409 client'],
      ['ResourceNotFoundException', '404 client'],
      ['ThrottlingException', '429 client'],
      ['ValidationException', '400 client'],
      ['InternalServerException', '500 server'],
    ])('Partner Central %s: %s', async (name, expected) => {
      const client = new PartnerCentralChannelClient(config());
      const error = await client.send(new UpdateProgramManagementAccountCommand({ catalog: 'AWS', identifier: 'pma-exampleemea01', displayName: name })).catch((e) => e);
      client.destroy();
      expect(seen(error)).toBe(`${name} ${expected}`);
    });
  });
});
