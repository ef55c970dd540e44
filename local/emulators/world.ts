/**
 * The world file: what the emulated AWS looks like and how it behaves.
 * YAML or JSON; every field is optional. Documented in the README
 * ("Writing a world file") with examples in examples/.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const seconds = z.number().nonnegative();

const hook = z.strictObject({
  typeName: z.string().default('Private::Guard::Hook'),
  invocationPoint: z.enum(['PRE_PROVISION']).default('PRE_PROVISION'),
  failureMode: z.enum(['FAIL', 'WARN']).default('FAIL'),
  /** What the hook decides. */
  result: z.enum(['SUCCEEDED', 'FAILED']).default('SUCCEEDED'),
  message: z.string().optional(),
});

const resourceType = z.strictObject({
  /** Property of the desired state that names the resource; a name is generated when absent. */
  primaryIdentifier: z.string().optional(),
  /** Service time from submission to SUCCESS/FAILED. */
  durationSeconds: seconds.default(30),
  /** Time spent PENDING before IN_PROGRESS. */
  pendingSeconds: seconds.default(1),
  /** RetryAfter hint: now + this on every progress event that is not final; null for no hint. */
  retryAfterSeconds: seconds.nullable().default(5),
  /**
   * `interval`: RetryAfter is always now + retryAfterSeconds. `estimate`: a
   * service that knows its own progress never hints past the moment the
   * operation will be done (RetryAfter = the earlier of the two).
   */
  retryAfterMode: z.enum(['interval', 'estimate']).default('interval'),
  /**
   * The share of non-final progress events that carry no RetryAfter at all:
   * AWS documents the field as optional and the AWS CLI's own samples show
   * IN_PROGRESS events without one. Seeded per event (the request and the
   * moment), so a run repeats. 0 puts a hint on every event.
   */
  retryAfterOmitRate: z.number().min(0).max(1).default(0.25),
  /** Time from CancelResourceRequest to CANCEL_COMPLETE. */
  cancelSeconds: seconds.default(2),
  /** Make operations end FAILED with this ErrorCode; `times` limits it to the first N submissions. */
  failure: z
    .strictObject({
      errorCode: z.string(),
      statusMessage: z.string().optional(),
      times: z.number().int().positive().optional(),
      operations: z.array(z.enum(['CREATE', 'UPDATE', 'DELETE'])).optional(),
    })
    .optional(),
  /**
   * A CREATE that ends FAILED or CANCEL_COMPLETE after it started leaves its
   * resource behind (it exists, under the identifier the events named), as
   * real handlers can: pulumi-aws-native reads the resource back after a
   * failed create for this reason.
   */
  partialCreates: z.boolean().default(false),
  /** Answer the first N Create/Update/DeleteResource calls for this type with ThrottlingException. */
  throttle: z.strictObject({ times: z.number().int().positive() }).optional(),
  hooks: z.array(hook).default([]),
  /** Resources that exist before the run: identifier → properties. */
  existing: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});
export type ResourceTypeBehaviour = z.infer<typeof resourceType>;

/** A Cloud Control request someone else submitted before the run (a console user, another pipeline): Shepherd may follow it or meet it. */
const outsideRequest = z.strictObject({
  /** Its RequestToken (what a follow request names); generated when absent. */
  requestToken: z.string().regex(/^[-A-Za-z0-9+/=]{1,128}$/, 'a RequestToken: 1-128 of letters, digits and -+/=').optional(),
  typeName: z.string(),
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE']),
  identifier: z.string(),
  /** CREATE: the resource model it makes; UPDATE: the model it leaves. */
  resourceModel: z.record(z.string(), z.unknown()).optional(),
  /** How long it still runs from the start of the run (PENDING for the first second). */
  remainingSeconds: seconds.default(60),
  /** It ends FAILED with this ErrorCode instead of SUCCESS. */
  failure: z.strictObject({ errorCode: z.string(), statusMessage: z.string().optional() }).optional(),
});

/** When a fault strikes: `times` (the first N matching calls) or `untilSeconds` (every matching call until then: an outage), of which `rate` (seeded). */
const faultWindow = {
  /** How many calls get it (the first N) … */
  times: z.number().int().positive().optional(),
  /** … or every call until this many virtual seconds after the run starts (an outage or a storm) … */
  untilSeconds: seconds.optional(),
  /** … from this many virtual seconds on (an outage that begins while requests are running); 0 by default. */
  fromSeconds: seconds.optional(),
  /** Of these calls, only this share (seeded) gets it: random faults. */
  rate: z.number().min(0).max(1).optional(),
};

const apiFault = z.strictObject({
  /** API operation name, e.g. GetResourceRequestStatus, PutEvents, StartExecution; "*" for all. */
  operation: z.string(),
  /** Exception to answer with. */
  error: z.string().default('ThrottlingException'),
  /** HTTP status; 5xx makes the SDK treat it as a server error. Default: the status the service model gives `error` (local/emulators/models). */
  status: z.number().int().optional(),
  ...faultWindow,
  /**
   * `before` (default): the call fails before the service acts. `after`: the
   * service acts, then the answer is lost (the caller sees the error, or a
   * hang): the case where retrying can do a thing twice.
   */
  when: z.enum(['before', 'after']).default('before'),
  /** No answer at all: the caller's SDK times out (its requestTimeout) instead of getting `error`. */
  hang: z.boolean().default(false),
}).refine((f) => f.times !== undefined || f.untilSeconds !== undefined, { message: 'give times or untilSeconds' });

/**
 * A Lambda function misbehaving, as Step Functions, SQS and EventBridge see it:
 * `crash` — the process dies (Runtime.ExitError) before or after the handler's work;
 * `hang` — the handler never returns, before or after its work, until the function's timeout (Sandbox.Timedout);
 * `unavailable` — the Lambda service refuses the invocation (Lambda.ServiceException, nothing runs);
 * `throttled` — the function is at its concurrency limit (Lambda.TooManyRequestsException, nothing runs).
 */
const lambdaFault = z.strictObject({
  /** Function key in serverless.yml, or "*" for every function. */
  function: z.string(),
  fault: z.enum(['crash', 'hang', 'unavailable', 'throttled']).default('crash'),
  /** For crash and hang: whether the handler's work (its side effects) happened first. */
  when: z.enum(['before', 'after']).default('after'),
  ...faultWindow,
});

const executionRole = z.strictObject({
  /** Resource types (patterns with `*`) this role's policy lets its handlers manage; others end FAILED AccessDenied. */
  manages: z.array(z.string()).default(['*']),
});

const accountIdString = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit account id');

/** A policy statement as IAM writes one (a trust policy's statements name a Principal and no Resource). */
const policyStatement = z.strictObject({
  Sid: z.string().optional(),
  Effect: z.enum(['Allow', 'Deny']),
  Principal: z.union([z.literal('*'), z.strictObject({ AWS: z.union([z.string(), z.array(z.string())]) })]).optional(),
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.union([z.string(), z.array(z.string())]).optional(),
  Condition: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))).optional(),
});

/** A role in another account that Shepherd assumes (its spoke role, or any other a test needs). */
const accountRole = z.strictObject({
  /** The trust policy's statements. Default: the spoke role template's for the stage (spoke/), trusting Shepherd's functions that act in other accounts, with the stage's ExternalId. */
  trust: z.array(policyStatement).optional(),
  /** The actions its permissions allow (on every resource). Default: the spoke role template's. */
  allows: z.array(z.string()).optional(),
  /** MaxSessionDuration (IAM CreateRole: 3600 to 43200, 3600 by default). */
  maxSessionSeconds: z.number().int().min(3600).max(43200).default(3600),
});

/** Another account: its roles and its side of portfolio shares. */
const account = z.strictObject({
  /** Its IAM roles by name. An account listed here has only these; see `accounts` for unlisted ones. */
  roles: z.record(z.string().regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name'), accountRole).default({}),
  /** Portfolios it accepted before the run (IMPORTED shares; organization shares need no acceptance). */
  accepted: z.strictObject({ IMPORTED: z.array(z.string()).default([]) }).default({ IMPORTED: [] }),
  /** What ListAcceptedPortfolioShares lists for AWS_SERVICECATALOG (its default portfolios). */
  defaultPortfolios: z.array(z.string()).default([]),
});

const organizationalUnit = z.strictObject({
  id: z.string().regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, 'must look like ou-ab12-cd34ef56'),
  /** Parent OU id; the root when absent. */
  parent: z.string().optional(),
  /** Member accounts: a list of ids, or a count (ids are generated). */
  accounts: z.union([z.array(accountIdString), z.number().int().nonnegative()]).default([]),
});

const accountFailure = z.strictObject({
  /** These accounts fail … */
  accounts: z.array(accountIdString).optional(),
  /** … or this share of the target's accounts (exactly round(rate × n), chosen by the seed). */
  rate: z.number().min(0).max(1).optional(),
  /** ShareErrors[].Error and Message. */
  error: z.string().default('AccessDenied'),
  message: z.string().default('The account is not reachable for portfolio sharing.'),
});

const provisionedProduct = z.strictObject({
  name: z.string().optional(),
  /** IAM user, role or STS assumed-role ARN that owns the product. */
  owner: z.string(),
  launchRole: z.string().optional(),
  /** Past records (a provision, then updates) created under the owner. */
  history: z.number().int().nonnegative().default(1),
  /** Time a property update takes: CREATED → IN_PROGRESS → SUCCEEDED. */
  updateSeconds: seconds.default(20),
  /** The first `times` property updates end FAILED with this record error. */
  failure: z.strictObject({ code: z.string(), description: z.string().optional(), times: z.number().int().positive().optional() }).optional(),
});

const serviceCatalog = z.strictObject({
  /** Access key id → the IAM principal a caller signing with it is; any other key is the administrator. */
  principals: z.record(z.string(), z.string()).default({}),
  /** Provisioned products by id (pp-…). */
  provisionedProducts: z.record(z.string(), provisionedProduct).default({}),
  /** Records someone else started just before the run (a provisioning, an update, a termination): followable by their RecordId. */
  outsideRecords: z
    .array(
      z.strictObject({
        recordId: z.string().regex(/^[a-zA-Z0-9_-]{1,100}$/, 'a RecordId: 1-100 of letters, digits, _ and -'),
        provisionedProductId: z.string(),
        recordType: z.enum(['PROVISION_PRODUCT', 'UPDATE_PROVISIONED_PRODUCT', 'UPDATE_PROVISIONED_PRODUCT_PROPERTIES', 'TERMINATE_PROVISIONED_PRODUCT']).default('UPDATE_PROVISIONED_PRODUCT'),
        /** How long it still runs (CREATED for its first second). */
        remainingSeconds: seconds.default(60),
        /** It ends FAILED with this record error. */
        failure: z.strictObject({ code: z.string(), description: z.string().optional() }).optional(),
      }),
    )
    .default([]),
  /** GetAWSOrganizationsAccessStatus at the start. */
  organizationsAccess: z.enum(['ENABLED', 'DISABLED']).default('ENABLED'),
  /** How long Enable/DisableAWSOrganizationsAccess stays UNDER_CHANGE. */
  accessChangeSeconds: seconds.default(20),
  organization: z
    .strictObject({
      id: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must look like o-a1b2c3d4e5').default('o-exampleorg1'),
      /**
       * The organization's management account. Shepherd runs in 000000000000: another id here makes it a member
       * account, where AWS refuses Organizations access changes and organization-node shares.
       */
      managementAccount: accountIdString.default('000000000000'),
      /** Accounts registered as Service Catalog delegated administrators: they may manage organization-node shares. */
      delegatedAdministrators: z.array(accountIdString).default([]),
      /** Accounts directly under the root (the management account is always one). */
      accounts: z.array(accountIdString).default([]),
      units: z.array(organizationalUnit).default([]),
    })
    .default({ id: 'o-exampleorg1', managementAccount: '000000000000', delegatedAdministrators: [], accounts: [], units: [] }),
  /** Portfolio ids that exist in the management account. */
  portfolios: z.array(z.string()).default([]),
  /**
   * Organization-node share actions someone else started just before the run: followable by their
   * PortfolioShareToken, holding their portfolio (one action at a time) while they run.
   */
  outsideShares: z
    .array(
      z.strictObject({
        portfolioShareToken: z.string().regex(/^[a-zA-Z0-9_-]{1,100}$/, 'a PortfolioShareToken: 1-100 of letters, digits, _ and -'),
        portfolioId: z.string(),
        operation: z.enum(['CREATE', 'UPDATE', 'DELETE']).default('CREATE'),
        organizationNode: z.strictObject({ type: z.enum(['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT']), value: z.string() }),
      }),
    )
    .default([]),
  /** Account shares that exist before the run (made outside Shepherd): portfolio id → the accounts it is offered to. */
  accountShares: z.record(z.string(), z.array(accountIdString)).default({}),
  shares: z
    .strictObject({
      /** Time an organization share action stays NOT_STARTED. */
      startSeconds: seconds.default(2),
      /** Time it takes at least … */
      minSeconds: seconds.default(5),
      /** … plus this per account in the target. */
      secondsPerAccount: seconds.default(0.05),
      /** Per-account errors (ShareErrors), first matching rule wins. */
      accountFailures: z.array(accountFailure).default([]),
      /** The first N organization share actions end in ERROR with this error. */
      error: z.strictObject({ error: z.string(), message: z.string().optional(), times: z.number().int().positive().optional() }).optional(),
    })
    .default({ startSeconds: 2, minSeconds: 5, secondsPerAccount: 0.05, accountFailures: [] }),
});
export type ServiceCatalogWorld = z.infer<typeof serviceCatalog>;

export const worldSchema = z.strictObject({
  clock: z
    .strictObject({
      /** Virtual start time; defaults to the wall clock at start. */
      start: z.iso.datetime().optional(),
      /** "max": jump from one timer to the next; a number: virtual seconds per wall second. */
      speed: z.union([z.literal('max'), z.number().positive()]).default('max'),
    })
    .default({ speed: 'max' }),
  /** Seeds generated identifiers and jitter, so runs repeat. */
  seed: z.number().int().default(1),
  /**
   * IAM roles in the world, by name (in the deploying account) or by ARN, and
   * what each may do. Without `roles` one role exists: the stage's default
   * Cloud Control execution role (config/guardrails.json,
   * cloudControl.defaultRoleName), allowed to manage every type.
   */
  iam: z
    .strictObject({
      roles: z.record(z.string(), executionRole).optional(),
    })
    .default({}),
  cloudControl: z
    .strictObject({
      /** Behaviour per resource type; "*" applies to types not listed. Unlisted types get TypeNotFoundException. */
      resourceTypes: z.record(z.string(), resourceType).default({}),
      /**
       * What a ClientToken used again within its 36 hours gets: `conflict`
       * (ClientTokenConflictException naming the first request's RequestToken,
       * as a public report shows AWS answering: carina-rs/carina#1516) or
       * `replay` (the first request's ProgressEvent, as the API reference's
       * idempotency wording suggests). AWS's rule is not documented; the
       * default is the stricter one.
       */
      clientTokenReuse: z.enum(['conflict', 'replay']).default('conflict'),
      /** Requests submitted outside Shepherd before the run: followable by their RequestToken, listed by ListResourceRequests, blocking their identifier while they run. */
      outsideRequests: z.array(outsideRequest).default([]),
    })
    .default({ resourceTypes: {}, clientTokenReuse: 'conflict', outsideRequests: [] }),
  eventBridge: z
    .strictObject({
      /** The first N PutEvents entries (after the run starts) fail with this ErrorCode: partial failures. */
      failEntries: z.strictObject({ times: z.number().int().positive(), errorCode: z.string().default('InternalFailure') }).optional(),
      /**
       * Who the requests the run publishes are sent as (the bus policy checks each source against it);
       * the account is the ARN's. The `local` stage lets roles named platform-* send requests.
       */
      producer: z
        .string()
        .regex(/^arn:aws:iam::[0-9]{12}:(role|user)\/[\w+=,.@/-]+$/, 'must be an IAM role or user ARN')
        .default('arn:aws:iam::000000000000:role/platform-automation'),
    })
    .default({ producer: 'arn:aws:iam::000000000000:role/platform-automation' }),
  /**
   * Other accounts, by id: the roles Shepherd may assume there (STS AssumeRole) and their side of portfolio
   * shares. Without `accounts`, every account holds the stage's spoke role as the repo's template writes it
   * (spoke/), and nothing else; with it, only the accounts and roles it lists exist.
   */
  accounts: z.record(accountIdString, account).optional(),
  /** Service Catalog: the organization, Organizations access, portfolios and how shares behave. */
  serviceCatalog: serviceCatalog.default(() => serviceCatalog.parse({})),
  /** Partner Central Channel: program management accounts. */
  partnerCentral: z
    .strictObject({
      programManagementAccounts: z
        .array(
          z.strictObject({
            catalog: z.enum(['AWS', 'Sandbox']).default('AWS'),
            id: z.string().regex(/^pma-[a-z0-9]{13}$/, 'must look like pma-abcdefghij123'),
            displayName: z.string(),
            revision: z.string().regex(/^[0-9]+$/).default('1'),
            /** Updates to this account answer AccessDeniedException. */
            denied: z.boolean().default(false),
          }),
        )
        .default([]),
    })
    .default({ programManagementAccounts: [] }),
  stepFunctions: z
    .strictObject({
      /** Step Functions sends Execution Status Change events best-effort: drop the first N, or all (true). */
      dropStatusChangeEvents: z.union([z.boolean(), z.number().int().nonnegative()]).default(false),
    })
    .default({ dropStatusChangeEvents: false }),
  /**
   * Lambda invocations that fail: by default the handler does its work, then
   * the process dies on the way back (Step Functions sees Runtime.ExitError
   * and retries the Task, which must not do the work twice). `times`
   * defaults to 1 when no window is given.
   */
  lambdaFaults: z.array(lambdaFault).default([]),
  /** Exceptions injected at the API front door, before the emulated service runs. */
  faults: z.array(apiFault).default([]),
});
export type World = z.infer<typeof worldSchema>;
export type WorldInput = z.input<typeof worldSchema>;

export function parseWorld(input: unknown): World {
  const result = worldSchema.safeParse(input ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new Error(`invalid world file:\n${problems}`);
  }
  return result.data;
}

export function loadWorld(file: string): World {
  const text = readFileSync(file, 'utf8');
  return parseWorld(file.endsWith('.json') ? JSON.parse(text) : parseYaml(text));
}
