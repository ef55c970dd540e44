/**
 * Writes local/emulators/models/<service>.json: the slice of the official AWS service
 * models that the emulators implement, so the local stack and the contract
 * tests can hold every call against data the project did not write.
 *
 *   npx tsx local/emulators/models/extract.ts [botocore data directory]
 *
 * Shapes, `required`, enums, length/range/pattern constraints and each
 * operation's error list come from botocore's JSON models (Apache-2.0;
 * `pip install botocore==1.43.11`, or the directory named on the command
 * line). botocore's json-protocol models carry no HTTP status for errors
 * (none of the 146 exception shapes of these seven services has an `error`
 * trait, neither in 1.43.11 nor in Debian's python3-botocore 1.29.27), so
 * each error's status, fault and query-compatible code come from the SDK
 * clients' own schemas (the `httpError`, `error` and `awsQueryError` traits
 * the installed @aws-sdk/client-* packages export as `<Error>$`).
 * test/contract/models.test.ts holds the two sources against each other.
 *
 * Only what the emulators need is kept: the listed operations, the shapes
 * reachable from their input, output and errors, and no documentation.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Each emulated service: botocore's name, the SDK package, and the operations the emulators serve. */
export const SERVICES = {
  cloudcontrol: {
    sdk: '@aws-sdk/client-cloudcontrol',
    operations: ['CreateResource', 'UpdateResource', 'DeleteResource', 'GetResourceRequestStatus', 'CancelResourceRequest', 'GetResource', 'ListResourceRequests'],
  },
  servicecatalog: {
    sdk: '@aws-sdk/client-service-catalog',
    operations: [
      'CreatePortfolioShare', 'UpdatePortfolioShare', 'DeletePortfolioShare', 'DescribePortfolioShareStatus', 'ListOrganizationPortfolioAccess',
      'EnableAWSOrganizationsAccess', 'DisableAWSOrganizationsAccess', 'GetAWSOrganizationsAccessStatus',
      'UpdateProvisionedProductProperties', 'DescribeRecord', 'ListRecordHistory',
      'AcceptPortfolioShare', 'RejectPortfolioShare', 'ListAcceptedPortfolioShares', 'ListPortfolioAccess',
    ],
  },
  'partnercentral-channel': {
    sdk: '@aws-sdk/client-partnercentral-channel',
    operations: ['UpdateProgramManagementAccount', 'ListProgramManagementAccounts'],
  },
  stepfunctions: {
    sdk: '@aws-sdk/client-sfn',
    operations: ['StartExecution', 'DescribeExecution', 'GetExecutionHistory', 'StopExecution', 'ListExecutions'],
  },
  events: { sdk: '@aws-sdk/client-eventbridge', operations: ['PutEvents'] },
  sqs: {
    sdk: '@aws-sdk/client-sqs',
    operations: ['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'ChangeMessageVisibility', 'GetQueueAttributes', 'StartMessageMoveTask'],
  },
  dynamodb: { sdk: '@aws-sdk/client-dynamodb', operations: ['GetItem', 'PutItem', 'DeleteItem'] },
  sts: { sdk: '@aws-sdk/client-sts', operations: ['AssumeRole'] },
} as const;

/** The shape keys the checker reads; everything else (documentation, examples, ...) is dropped. */
const KEPT = ['type', 'required', 'members', 'member', 'key', 'value', 'enum', 'min', 'max', 'pattern', 'timestampFormat', 'exception', 'fault'];

// botocore's service-2.json models are walked untyped, by their documented keys.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

function botocoreDataDir(): string {
  const given = process.argv[2];
  if (given) return given;
  const script = 'import botocore, os; print(botocore.__version__, os.path.dirname(botocore.__file__))';
  const [version, dir] = execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim().split(' ');
  process.env.BOTOCORE_VERSION = version;
  return join(dir!, 'data');
}

function readModel(dataDir: string, service: string): { model: Json; file: string } {
  const version = readdirSync(join(dataDir, service)).sort().pop()!;
  const base = join(dataDir, service, version, 'service-2.json');
  const file = existsSync(`${base}.gz`) ? `${base}.gz` : base;
  const raw = readFileSync(file);
  return { model: JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as Json, file: `data/${service}/${version}/service-2.json${file.endsWith('.gz') ? '.gz' : ''}` };
}

function trim(shape: Json): Json {
  const kept: Json = {};
  for (const key of KEPT) if (shape[key] !== undefined) kept[key] = shape[key];
  if (kept.members) kept.members = Object.fromEntries(Object.entries(kept.members as Json).map(([name, ref]) => [name, { shape: (ref as Json).shape }]));
  for (const ref of ['member', 'key', 'value']) if (kept[ref]) kept[ref] = { shape: kept[ref].shape };
  return kept;
}

/** An error's traits in the SDK's schema: `[-3, namespace, name, { httpError, error, awsQueryError }, members, ...]`. */
export function sdkErrorTraits(client: Record<string, unknown>, name: string): { httpError?: number; error?: string; awsQueryError?: [string, number] } | undefined {
  const schema = client[`${name}$`];
  return Array.isArray(schema) && schema[0] === -3 ? (schema[3] as Json) : undefined;
}

/** The `httpError` trait, else Smithy's default for the fault: 400 for a client error, 500 for a server error. */
export function modelledStatus(traits: { httpError?: number; error?: string }): number {
  return traits.httpError ?? (traits.error === 'server' ? 500 : 400);
}

async function extract(dataDir: string, service: keyof typeof SERVICES): Promise<Json> {
  const { sdk, operations } = SERVICES[service];
  const { model, file } = readModel(dataDir, service);
  const client = (await import(sdk)) as Record<string, unknown>;
  const sdkVersion = (JSON.parse(readFileSync(require.resolve(`${sdk}/package.json`), 'utf8')) as Json).version as string;
  const shapes: Json = {};
  const reach = (name: string) => {
    if (shapes[name]) return;
    const shape = model.shapes[name] as Json | undefined;
    if (!shape) throw new Error(`${service}: no shape ${name}`);
    shapes[name] = trim(shape);
    for (const ref of Object.values((shape.members ?? {}) as Json)) reach((ref as Json).shape);
    for (const ref of ['member', 'key', 'value']) if (shape[ref]) reach(shape[ref].shape);
  };
  const ops: Json = {};
  const errors: Json = {};
  for (const name of operations) {
    const op = model.operations[name] as Json;
    if (!op) throw new Error(`${service}: no operation ${name}`);
    if (op.input) reach(op.input.shape);
    if (op.output) reach(op.output.shape);
    const errorNames = ((op.errors ?? []) as Json[]).map((e) => e.shape as string);
    for (const error of errorNames) {
      reach(error);
      const traits = sdkErrorTraits(client, error);
      if (!traits?.error) throw new Error(`${service}: ${sdk} has no error schema for ${error}`);
      errors[error] = {
        status: modelledStatus(traits),
        fault: traits.error,
        // Only an awsQueryCompatible service (SQS) answers with the query code (other schemas carry it too, unused).
        // A query-protocol service (STS) answers with the code too: MalformedPolicyDocument for MalformedPolicyDocumentException.
        ...((model.metadata.awsQueryCompatible || model.metadata.protocol === 'query') && traits.awsQueryError && traits.awsQueryError[0] !== error ? { queryCode: traits.awsQueryError[0] } : {}),
      };
    }
    ops[name] = { input: op.input?.shape, output: op.output?.shape, errors: errorNames };
  }
  const botocoreVersion = process.env.BOTOCORE_VERSION ?? 'see the data directory';
  return {
    _source: {
      shapes: `botocore ${botocoreVersion}, ${file} (Apache-2.0, Copyright Amazon.com, Inc. or its affiliates; https://github.com/boto/botocore)`,
      statuses: `${sdk} ${sdkVersion}, the httpError/error/awsQueryError traits of its error schemas (Apache-2.0); no httpError: 400 client, 500 server (Smithy)`,
      generator: 'local/emulators/models/extract.ts (documentation and unused operations dropped)',
    },
    service,
    apiVersion: model.metadata.apiVersion,
    // A query-protocol service has no X-Amz-Target: the server knows it by its signing name (STS: `sts`).
    targetPrefix: model.metadata.targetPrefix ?? model.metadata.signingName ?? model.metadata.endpointPrefix,
    ...(model.metadata.protocol === 'query' ? { protocol: 'query', xmlNamespace: model.metadata.xmlNamespace } : { jsonVersion: model.metadata.jsonVersion }),
    ...(model.metadata.awsQueryCompatible ? { awsQueryCompatible: true } : {}),
    operations: ops,
    errors: Object.fromEntries(Object.entries(errors).sort(([a], [b]) => a.localeCompare(b))),
    shapes: Object.fromEntries(Object.entries(shapes).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** JSON with one line per operation, error and shape: small, and a model change reads as a one-line diff. */
function compact(model: Json): string {
  const entries = Object.entries(model).map(([key, value]) => {
    if (value === null || typeof value !== 'object') return `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`;
    const lines = Object.entries(value as Json).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    return `  ${JSON.stringify(key)}: {\n${lines.join(',\n')}\n  }`;
  });
  return `{\n${entries.join(',\n')}\n}\n`;
}

async function main(): Promise<void> {
  const dataDir = botocoreDataDir();
  for (const service of Object.keys(SERVICES) as Array<keyof typeof SERVICES>) {
    const out = join(__dirname, `${service}.json`);
    writeFileSync(out, compact(await extract(dataDir, service)));
    console.log(`wrote ${out}`);
  }
}

if (require.main === module) void main();
