/**
 * Least privilege, proven statically: every Lambda's role grants exactly the
 * AWS actions its code can call — no more, no fewer — and no action is a
 * wildcard.
 *
 * Method
 *  1. Granted: `functions.<key>.iamRoleStatements` of serverless.yml, read with
 *     the `yaml` package (plus provider statements where a function inherits
 *     them, as serverless-iam-roles-per-function does). The function list and
 *     handler paths come from the repo's own loader (local/serverless-config).
 *  2. Called: each handler is bundled with esbuild (in memory) the way
 *     serverless-esbuild deploys it, except that every npm package is left
 *     external, so the output holds only this repo's code. esbuild tree-shakes
 *     the bundle, so a shared module's functions that this handler never
 *     reaches (e.g. checkPropertiesUpdate next to startPropertiesUpdate in
 *     shared/provisioned-product/update.ts) are dropped. In the CommonJS output
 *     each imported SDK name is rendered as a member of the module's require
 *     binding (`var import_client_sfn2 = require("@aws-sdk/client-sfn")` …
 *     `new import_client_sfn2.StartExecutionCommand(`), so every reference to
 *     an `XxxCommand` or `paginateXxx` is resolved through that binding to its
 *     package, and the package to its IAM prefix (SDK_PACKAGES below).
 *     Granularity is esbuild's: top-level declarations. A class that is used
 *     keeps all its methods, so the analysis errs towards "called".
 *  3. Expected extras that no SDK call in the code makes, each allowed only
 *     where the configuration justifies it: see ALLOWANCES.
 *  4. Per function: (granted − justified extras) must equal called, as sorted
 *     arrays, with the function name in the failure message.
 *  5. Calls a function makes in other accounts, as the stage's spoke role, are
 *     granted by that role, not by the function's: the Task declares them
 *     (`spoke`, shared/<workflow>/workflow.ts), they leave the function's side
 *     of the comparison, its role gets sts:AssumeRole instead (config/stage.js
 *     `assumeSpoke`), and the spoke role grants exactly the declared ones.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { parse as parseYaml } from 'yaml';
import { loadServiceModel } from '../../tooling/serverless-config';
import { spokeActions, spokeRole } from '../../shared/workflow/spoke';
import { WORKFLOWS } from '../../shared/workflows';

const root = join(__dirname, '..', '..');

// ---------------------------------------------------------------------------
// SDK package → IAM service prefix. A command `XxxCommand` (or paginator
// `paginateXxx`) of the package is the IAM action `<prefix>:Xxx`, unless the
// package lists an override for that operation (IAM and API names differ for
// a few operations of some services, e.g. S3 ListObjectsV2 → s3:ListBucket).
// ---------------------------------------------------------------------------
interface SdkPackage {
  prefix: string;
  overrides?: Record<string, string>;
}
const SDK_PACKAGES: Record<string, SdkPackage> = {
  '@aws-sdk/client-cloudcontrol': { prefix: 'cloudformation' },
  '@aws-sdk/client-dynamodb': { prefix: 'dynamodb' },
  '@aws-sdk/client-eventbridge': { prefix: 'events' },
  '@aws-sdk/client-partnercentral-channel': { prefix: 'partnercentral' },
  '@aws-sdk/client-service-catalog': { prefix: 'servicecatalog' },
  '@aws-sdk/client-sfn': { prefix: 'states' },
  '@aws-sdk/client-sqs': { prefix: 'sqs' },
  '@aws-sdk/client-sts': { prefix: 'sts' },
};

export interface Call {
  action: string;
  /** Repo file the call was bundled from (esbuild's `// path` markers). */
  file: string;
}

/**
 * The IAM actions that bundled (tree-shaken, CommonJS) code sends. Throws on
 * an SDK package without a mapping, so a new client cannot slip by unchecked.
 */
export function sdkCallsIn(bundle: string): Call[] {
  // Every binding of a required package: `var import_x = require("p")`,
  // `import_x = __toESM(require("p"))` (lazy __esm init), …
  const packageOf = new Map<string, string>();
  for (const m of bundle.matchAll(/\b([A-Za-z_$][\w$]*)\s*=\s*(?:__toESM\()?require\("([^"]+)"\)/g)) {
    packageOf.set(m[1]!, m[2]!);
  }
  // File markers esbuild writes (when not minifying) before each module's code.
  const markers = [...bundle.matchAll(/^\/\/ (\S+\.[cm]?[jt]sx?)$/gm)].map((m) => ({ at: m.index, file: m[1]! }));
  const fileAt = (index: number) => markers.filter((m) => m.at <= index).pop()?.file ?? '?';

  const calls: Call[] = [];
  for (const m of bundle.matchAll(/\b([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\b/g)) {
    const [, binding, member] = m as unknown as [string, string, string];
    const pkg = packageOf.get(binding);
    if (!pkg?.startsWith('@aws-sdk/')) continue;
    const operation = /^(\w+)Command$/.exec(member)?.[1] ?? /^paginate(\w+)$/.exec(member)?.[1];
    if (!operation) continue; // clients, exceptions, enums: no call by themselves
    const mapping = SDK_PACKAGES[pkg];
    if (!mapping) {
      throw new Error(
        `${fileAt(m.index)} uses ${member} from ${pkg}, which has no IAM mapping: add the package to SDK_PACKAGES in test/packaging/least-privilege.test.ts`,
      );
    }
    calls.push({ action: mapping.overrides?.[operation] ?? `${mapping.prefix}:${operation}`, file: fileAt(m.index) });
  }
  return calls;
}

/** Bundles one handler the way it is deployed, tree-shaken, and returns the repo files in it and the calls it makes. */
async function analyse(handlerPath: string): Promise<{ inputs: string[]; calls: Call[] }> {
  const result = await build({
    entryPoints: [handlerPath],
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    treeShaking: true,
    minify: false,
    // Every npm package (AWS SDK, Powertools, middy, zod, …) stays a require(),
    // so only this repo's code is scanned and SDK names keep their bindings.
    packages: 'external',
    logLevel: 'silent',
  });
  const text = result.outputFiles.map((f) => f.text).join('\n');
  return { inputs: Object.keys(result.metafile.inputs), calls: sdkCallsIn(text) };
}

// ---------------------------------------------------------------------------
// Granted actions (serverless.yml, with serverless-iam-roles-per-function).
// ---------------------------------------------------------------------------
type Json = any;

export interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: Json;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** The serverless.yml function block the allowances may look at. */
export interface FunctionConfig {
  iamRoleStatements?: Statement[];
  destinations?: Record<string, { type?: string; arn?: Json } | string | undefined>;
}

const actionsOf = (statement: Statement): string[] => [statement.Action ?? []].flat();

/** Values of a condition key under any operator (StringEquals, StringLike, ForAnyValue:…). */
function conditionValues(statement: Statement, key: string): string[] {
  return Object.values(statement.Condition ?? {}).flatMap((block) => [block?.[key] ?? []].flat());
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

// ---------------------------------------------------------------------------
// Allowances: granted actions the code does not call through the SDK, each
// justified only by the configuration around it.
// ---------------------------------------------------------------------------
interface AllowanceContext {
  action: string;
  statement: Statement;
  fn: FunctionConfig;
  /** Actions the function's code calls. */
  called: Set<string>;
}

/** Lambda's async-invocation destinations: the action the Lambda service uses, with the function's role, per destination type. */
const DESTINATION_ACTIONS: Record<string, string> = {
  sqs: 'sqs:SendMessage',
  sns: 'sns:Publish',
  eventBus: 'events:PutEvents',
  function: 'lambda:InvokeFunction',
};

/** Service Catalog calls these Organizations APIs on the caller's behalf (forward access sessions). */
const FORWARD_ACCESS: Record<string, { principal: string; via: string }> = {
  'organizations:EnableAWSServiceAccess': { principal: 'servicecatalog.amazonaws.com', via: 'servicecatalog:EnableAWSOrganizationsAccess' },
  'organizations:DisableAWSServiceAccess': { principal: 'servicecatalog.amazonaws.com', via: 'servicecatalog:DisableAWSOrganizationsAccess' },
};

const ALLOWANCES: { name: string; allows: (c: AllowanceContext) => boolean }[] = [
  {
    // serverless adds CloudWatch Logs permissions for the function's log group itself.
    name: 'CloudWatch Logs for the function log group',
    allows: ({ action }) => action.startsWith('logs:'),
  },
  {
    // Lambda delivers failed (or successful) async invocations to the configured
    // destination with the function's role: allowed only on that destination's ARN.
    name: 'async invocation destination',
    allows: ({ action, statement, fn }) =>
      Object.values(fn.destinations ?? {}).some((d) => {
        if (!d || typeof d !== 'object' || !d.type || DESTINATION_ACTIONS[d.type] !== action) return false;
        const resources = [statement.Resource ?? []].flat();
        return resources.length > 0 && resources.every((r) => sameJson(r, d.arn));
      }),
  },
  {
    // A role ARN handed to a service (Cloud Control's RoleArn, Service Catalog's
    // LAUNCH_ROLE): only with an iam:PassedToService condition, and only to a
    // service the code calls.
    name: 'iam:PassRole to a called service',
    allows: ({ action, statement, called }) => {
      if (action !== 'iam:PassRole') return false;
      const services = conditionValues(statement, 'iam:PassedToService');
      return (
        services.length > 0 &&
        services.every((s) => [...called].some((c) => c.startsWith(`${s.replace(/\.amazonaws\.com$/, '')}:`)))
      );
    },
  },
  {
    // Service Catalog's Enable/DisableAWSOrganizationsAccess act through Organizations
    // with the caller's credentials: only for Service Catalog's principal, and only
    // when the code makes the Service Catalog call that needs it.
    name: 'Organizations forward access for Service Catalog',
    allows: ({ action, statement, called }) => {
      const forward = FORWARD_ACCESS[action];
      if (!forward) return false;
      const principals = conditionValues(statement, 'organizations:ServicePrincipal');
      return principals.length > 0 && principals.every((p) => p === forward.principal) && called.has(forward.via);
    },
  },
];

export interface Comparison {
  /** Granted actions minus justified extras, sorted (extras the code also calls stay in). */
  granted: string[];
  /** Actions the code calls, sorted. */
  called: string[];
  /** Granted for no call and no allowance. */
  unexpected: string[];
  /** Called but not granted. */
  missing: string[];
  /** Actions with a `*` or `?` wildcard, and NotAction statements. */
  wildcards: string[];
}

/** Compares one function's statements with the actions its code calls. */
export function compare(fn: FunctionConfig, statements: Statement[], calledActions: Iterable<string>): Comparison {
  const called = new Set(calledActions);
  const granted = new Set<string>();
  const all = new Set<string>();
  const wildcards: string[] = [];
  for (const statement of statements) {
    if (statement.NotAction !== undefined) wildcards.push(`NotAction ${JSON.stringify(statement.NotAction)}`);
    for (const action of actionsOf(statement)) {
      if (/[*?]/.test(action)) wildcards.push(action);
      if (statement.Effect !== 'Allow') continue;
      all.add(action);
      const allowed = ALLOWANCES.some((a) => a.allows({ action, statement, fn, called }));
      if (!allowed || called.has(action)) granted.add(action);
    }
  }
  const sorted = (s: Iterable<string>) => [...new Set(s)].sort();
  return {
    granted: sorted(granted),
    called: sorted(called),
    unexpected: sorted([...granted].filter((a) => !called.has(a))),
    missing: sorted([...called].filter((a) => !all.has(a))),
    wildcards,
  };
}

// ---------------------------------------------------------------------------
// The service.
// ---------------------------------------------------------------------------
const service = loadServiceModel(root);
const raw = parseYaml(readFileSync(join(root, 'serverless.yml'), 'utf8')) as Json;
// serverless.yml lists the platform's functions, then `${file(./config/workflows.js):functions}`: every workflow's
// Task functions, from their declarations. Merged here as serverless merges them (Service.mergeArrays).
const rawFunctions: Record<string, FunctionConfig & { iamRoleStatementsInherit?: boolean }> = Object.assign(
  {},
  ...[raw.functions ?? {}].flat().filter((block: Json) => typeof block === 'object'),
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS module serverless itself requires
  require('../../config/workflows.js').functions,
);
const providerStatements: Statement[] = raw.provider?.iam?.role?.statements ?? raw.provider?.iamRoleStatements ?? [];
const defaultInherit: boolean = raw.custom?.['serverless-iam-roles-per-function']?.defaultInherit ?? false;

/** The statements of a function's role as serverless-iam-roles-per-function builds it. */
function statementsOf(key: string): Statement[] {
  const fn = rawFunctions[key]!;
  // Without statements of its own a function runs with the provider's shared role.
  if (!fn.iamRoleStatements) return providerStatements;
  return [...fn.iamRoleStatements, ...((fn.iamRoleStatementsInherit ?? defaultInherit) ? providerStatements : [])];
}

function handlerFile(modulePath: string): string {
  const file = ['.ts', '.mts', '.js', '.mjs'].map((ext) => modulePath + ext).find((f) => existsSync(f));
  if (!file) throw new Error(`no handler module at ${modulePath}.{ts,mts,js,mjs}`);
  return file;
}

const functionKeys = Object.keys(rawFunctions);
const analyses = new Map<string, { inputs: string[]; calls: Call[] }>();

beforeAll(async () => {
  await Promise.all(
    Object.values(service.functions).map(async (fn) => analyses.set(fn.key, await analyse(handlerFile(fn.modulePath)))),
  );
}, 60_000);

const analysisOf = (key: string) => {
  const analysis = analyses.get(key);
  if (!analysis) throw new Error(`${key} was not analysed`);
  return analysis;
};

describe('least privilege: each function role holds exactly the actions its code calls', () => {
  it('covers every function in serverless.yml', () => {
    expect(functionKeys.length).toBeGreaterThan(0);
    expect(Object.keys(service.functions).sort()).toEqual([...functionKeys].sort());
    for (const key of functionKeys) {
      const { inputs } = analysisOf(key);
      expect({ key, handlerBundled: inputs.includes(relative(root, handlerFile(service.functions[key]!.modulePath))) }).toEqual({
        key,
        handlerBundled: true,
      });
    }
  });

  /** The actions a Task declares it calls as the spoke role, and whether its role carries the statement that assumes it. */
  const spokeOf = (key: string) => {
    const task = WORKFLOWS.flatMap((w) => w.tasks as ReadonlyArray<{ key: string; spoke?: readonly string[] }>).find((t) => t.key === key);
    return { actions: [...(task?.spoke ?? [])], assumes: statementsOf(key).some((s) => (s as unknown) === '${self:custom.stageConfig.assumeSpoke}') };
  };

  it.each(functionKeys)('%s: granted (minus justified extras) === called, no wildcard', (key) => {
    const { calls } = analysisOf(key);
    const spoke = spokeOf(key);
    // What it calls as the spoke role is the spoke role's to grant; assuming that role is its own (the stage's assumeSpoke).
    const own = calls.map((c) => c.action).filter((a) => !spoke.actions.includes(a));
    const granted = [...statementsOf(key), ...(spoke.assumes ? [{ Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: ['(the stage spoke role)'] }] : [])];
    const result = compare(rawFunctions[key]!, granted, own);
    const where = Object.fromEntries(result.called.map((a) => [a, [...new Set(calls.filter((c) => c.action === a).map((c) => c.file))]]));
    // Function name in every diff; `calledFrom` says which file makes each call.
    expect({ function: key, wildcards: result.wildcards }).toEqual({ function: key, wildcards: [] });
    expect({ function: key, granted: result.granted, calledFrom: where }).toEqual({ function: key, granted: result.called, calledFrom: where });
  });

  it.each(functionKeys)('%s: calls every action it declares for the spoke role, and assumes the role exactly when it declares some', (key) => {
    const { calls } = analysisOf(key);
    const spoke = spokeOf(key);
    const called = new Set(calls.map((c) => c.action));
    expect({ function: key, declaredButNotCalled: spoke.actions.filter((a) => !called.has(a)), assumes: spoke.assumes }).toEqual({
      function: key, declaredButNotCalled: [], assumes: spoke.actions.length > 0,
    });
  });

  it('the spoke role grants exactly the actions the Tasks declare for it, on no wider a principal than Shepherd\'s account', () => {
    const declared = [...new Set(WORKFLOWS.flatMap((w) => (w.tasks as ReadonlyArray<{ spoke?: readonly string[] }>).flatMap((t) => t.spoke ?? [])))].sort();
    const role = spokeRole({ partition: 'aws', hubAccountId: '000000000000', externalId: 'x-1', trustedRoleArns: ['arn:aws:iam::000000000000:role/r'] });
    expect(role.permissions.flatMap((s) => [s.Action].flat()).sort()).toEqual(declared);
    expect(spokeActions()).toEqual(declared);
    expect(declared.every((a) => !/[*?]/.test(a))).toBe(true);
    expect(role.trust).toEqual([
      expect.objectContaining({
        Principal: { AWS: 'arn:aws:iam::000000000000:root' },
        Condition: { StringEquals: { 'sts:ExternalId': 'x-1' }, ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::000000000000:role/r'] } },
      }),
    ]);
  });

  // IAM prefix of each client defineHandler can be given (shared/runtime/clients/).
  const CLIENT_PREFIX: Record<string, string> = {
    cloudControl: 'cloudformation', dynamodb: 'dynamodb', eventBridge: 'events', partnerCentral: 'partnercentral',
    serviceCatalog: 'servicecatalog', sfn: 'states', sqs: 'sqs', sts: 'sts', serviceCatalogWith: 'servicecatalog',
  };
  it.each(functionKeys)('%s: is built with exactly the clients its code calls (defineHandler clients)', (key) => {
    const { calls } = analysisOf(key);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler path comes from serverless.yml
    const module = require(service.functions[key]!.modulePath) as { clients: string[] };
    const declared = module.clients.map((client) => CLIENT_PREFIX[client]).sort();
    const used = [...new Set(calls.map((c) => c.action.split(':')[0]!))].sort();
    expect({ function: key, clients: declared }).toEqual({ function: key, clients: used });
  });

  it('finds the calls: checkResourceOperation makes exactly GetResourceRequestStatus', () => {
    expect([...new Set(analysisOf('checkResourceOperation').calls.map((c) => c.action))]).toEqual(['cloudformation:GetResourceRequestStatus']);
  });

  it('tree-shakes a shared module: the start Lambda of a property update does not call DescribeRecord', () => {
    const start = new Set(analysisOf('startProvisionedProductUpdate').calls.map((c) => c.action));
    const check = new Set(analysisOf('checkProvisionedProductUpdate').calls.map((c) => c.action));
    expect(start.has('servicecatalog:UpdateProvisionedProductProperties')).toBe(true);
    expect(start.has('servicecatalog:DescribeRecord')).toBe(false);
    expect(check.has('servicecatalog:DescribeRecord')).toBe(true);
    expect(check.has('servicecatalog:UpdateProvisionedProductProperties')).toBe(false);
  });

  it('reads esbuild output: renamed bindings, paginators, and unmapped packages', () => {
    const bundle = [
      '// shared/a.ts',
      'var import_client_sfn2 = require("@aws-sdk/client-sfn");',
      'var sc = __toESM(require("@aws-sdk/client-service-catalog"), 1);',
      'await ports.sfn.send(new import_client_sfn2.StartExecutionCommand({}));',
      'for await (const page of (0, sc.paginateSearchProducts)({ client }, {})) {}',
      'if (e instanceof import_client_sfn2.ExecutionAlreadyExists) {}',
    ].join('\n');
    expect(sdkCallsIn(bundle)).toEqual([
      { action: 'states:StartExecution', file: 'shared/a.ts' },
      { action: 'servicecatalog:SearchProducts', file: 'shared/a.ts' },
    ]);
    expect(() => sdkCallsIn('var import_client_s3 = require("@aws-sdk/client-s3");\nnew import_client_s3.GetObjectCommand({});')).toThrow(
      /@aws-sdk\/client-s3, which has no IAM mapping/,
    );
  });

  it('can fail: reports an extra action, a missing one, a wildcard, and extras without their justification', () => {
    const fn: FunctionConfig = { destinations: { onFailure: { type: 'sqs', arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } } } };
    const result = compare(
      fn,
      [
        { Effect: 'Allow', Action: ['cloudformation:GetResourceRequestStatus', 'cloudformation:DeleteResource'], Resource: ['*'] },
        { Effect: 'Allow', Action: 'states:*', Resource: '*' },
        // Destination action, but on another queue.
        { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': ['OtherQueue', 'Arn'] }] },
        // PassRole with no iam:PassedToService condition.
        { Effect: 'Allow', Action: ['iam:PassRole'], Resource: ['*'] },
        // Forward access without the ServicePrincipal condition.
        { Effect: 'Allow', Action: ['organizations:EnableAWSServiceAccess'], Resource: ['*'] },
      ],
      ['cloudformation:GetResourceRequestStatus', 'events:PutEvents'],
    );
    expect(result.unexpected).toEqual([
      'cloudformation:DeleteResource', 'iam:PassRole', 'organizations:EnableAWSServiceAccess', 'sqs:SendMessage', 'states:*',
    ]);
    expect(result.missing).toEqual(['events:PutEvents']);
    expect(result.wildcards).toEqual(['states:*']);
    expect(result.granted).not.toEqual(result.called);
  });

  it('accepts the configured extras only with their justification', () => {
    const dlq = { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] };
    const result = compare(
      { destinations: { onFailure: { type: 'sqs', arn: dlq } } },
      [
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ['*'] },
        { Effect: 'Allow', Action: ['servicecatalog:EnableAWSOrganizationsAccess'], Resource: ['*'] },
        { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [dlq] },
        {
          Effect: 'Allow',
          Action: ['organizations:EnableAWSServiceAccess'],
          Resource: ['*'],
          Condition: { StringEquals: { 'organizations:ServicePrincipal': 'servicecatalog.amazonaws.com' } },
        },
        { Effect: 'Allow', Action: ['iam:PassRole'], Resource: ['*'], Condition: { StringEquals: { 'iam:PassedToService': 'servicecatalog.amazonaws.com' } } },
      ],
      ['servicecatalog:EnableAWSOrganizationsAccess'],
    );
    expect(result).toEqual({
      granted: ['servicecatalog:EnableAWSOrganizationsAccess'],
      called: ['servicecatalog:EnableAWSOrganizationsAccess'],
      unexpected: [],
      missing: [],
      wildcards: [],
    });
    // PassRole to a service the code never calls is not justified.
    const passToUncalled = compare(
      {},
      [{ Effect: 'Allow', Action: ['iam:PassRole'], Resource: ['*'], Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } } }],
      ['servicecatalog:DescribeRecord'],
    );
    expect(passToUncalled.unexpected).toEqual(['iam:PassRole']);
  });
});
