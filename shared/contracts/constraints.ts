/**
 * Field constraints taken from the AWS API references (Cloud Control API
 * reference, "Request Parameters"), so a request Shepherd accepts is one the
 * service will accept too. Each regex is anchored: the API's own patterns
 * are matched against the whole value.
 */
import { z } from 'zod';

/** `Org::Service::Type`, each part 2–64 alphanumerics (TypeName, 10–196 chars). */
export const typeName = z
  .string()
  .min(10)
  .max(196)
  .regex(/^[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$/, {
    message: 'must have the shape Organization::Service::Type, e.g. AWS::S3::Bucket',
  });

export const typeVersionId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9-]+$/, { message: 'must contain only letters, digits and hyphens' });

/** An IAM role ARN (Cloud Control RoleArn: 20–2048 chars, `arn:.+:iam::[0-9]{12}:role/.+`). */
export const roleArn = z
  .string()
  .min(20)
  .max(2048)
  .regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[\w+=,.@/-]{1,512}$/, {
    message: 'must be an IAM role ARN: arn:<partition>:iam::<12-digit account>:role/<name>',
  });

/** Cloud Control Identifier: 1–1024 chars; control characters are never part of one. */
export const identifier = z
  .string()
  .min(1)
  .max(1024)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]+$/, { message: 'must not contain control characters' });

/**
 * The request id names the Step Functions execution (1–80 chars, no
 * whitespace, brackets, wildcards or special characters) and seeds every
 * idempotency token. Letters, digits, hyphen and underscore satisfy both.
 */
export const requestId = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, {
    message: 'must start with a letter or digit and contain only letters, digits, "-" and "_"',
  });

/** JSON Pointer (RFC 6901): empty, or a sequence of "/"-prefixed tokens with ~0/~1 escapes. */
const jsonPointer = z
  .string()
  .max(1024)
  .regex(/^(\/([^~/]|~[01])*)*$/, { message: 'must be a JSON Pointer (RFC 6901), e.g. /Tags/0' });

const jsonValue = z.json({
  error: (issue) => (issue.input === undefined ? 'is required' : 'must be a JSON value'),
});

/** One RFC 6902 operation; each op carries exactly the members the RFC requires. */
export const patchOperation = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('add'), path: jsonPointer, value: jsonValue }),
  z.strictObject({ op: z.literal('remove'), path: jsonPointer }),
  z.strictObject({ op: z.literal('replace'), path: jsonPointer, value: jsonValue }),
  z.strictObject({ op: z.literal('move'), from: jsonPointer, path: jsonPointer }),
  z.strictObject({ op: z.literal('copy'), from: jsonPointer, path: jsonPointer }),
  z.strictObject({ op: z.literal('test'), path: jsonPointer, value: jsonValue }),
]);

/**
 * Cloud Control PatchDocument: 1–262,144 chars once serialised (botocore
 * cloudcontrol model, PatchDocument; it was 65,536 here before). An
 * EventBridge entry holds at most 256 KB with its envelope, so a request's
 * event is the tighter bound in practice.
 */
export const MAX_PATCH_DOCUMENT_LENGTH = 262_144;
export const patchDocument = z
  .array(patchOperation)
  .min(1)
  .refine((ops) => JSON.stringify(ops).length <= MAX_PATCH_DOCUMENT_LENGTH, {
    message: `must serialise to at most ${MAX_PATCH_DOCUMENT_LENGTH} characters`,
  });

/** Cloud Control DesiredState: a JSON object of 1–262,144 chars once serialised. */
export const MAX_DESIRED_STATE_LENGTH = 262_144;
export const desiredState = z
  .record(z.string(), jsonValue)
  .refine((state) => JSON.stringify(state).length <= MAX_DESIRED_STATE_LENGTH, {
    message: `must serialise to at most ${MAX_DESIRED_STATE_LENGTH} characters`,
  });

// ---- Service Catalog (API reference: CreatePortfolioShare, UpdatePortfolioShare, DeletePortfolioShare) ----

/** A 12-digit AWS account id (AccountId, `^[0-9]{12}$`). */
export const accountId = z.string().regex(/^[0-9]{12}$/, { message: 'must be a 12-digit AWS account id' });

/** A portfolio id as Service Catalog issues them: `port-` and 13 lowercase letters or digits. */
export const portfolioId = z
  .string()
  .max(100)
  .regex(/^port-[a-z0-9]{13}$/, { message: 'must be a portfolio id: "port-" followed by 13 lowercase letters or digits, e.g. port-2abcdext3y5fk' });

export const acceptLanguage = z.enum(['en', 'jp', 'zh']);

/** Organization node value shapes, per type (AWS Organizations id formats). */
export const ORGANIZATION_NODE_VALUE = {
  ORGANIZATION: { pattern: /^o-[a-z0-9]{10,32}$/, example: 'o-a1b2c3d4e5' },
  ORGANIZATIONAL_UNIT: { pattern: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, example: 'ou-ab12-cd34ef56' },
  ACCOUNT: { pattern: /^[0-9]{12}$/, example: '123456789012' },
} as const;

export const organizationNode = z
  .strictObject({
    type: z.enum(['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT']),
    value: z.string().max(100),
  })
  .superRefine((node, ctx) => {
    const shape = ORGANIZATION_NODE_VALUE[node.type];
    if (!shape.pattern.test(node.value)) {
      ctx.addIssue({
        code: 'invalid_format',
        format: 'regex',
        path: ['value'],
        input: node.value,
        message: `must be an ${node.type.toLowerCase().replace(/_/g, ' ')} id like ${shape.example} for type ${node.type}`,
      });
    }
  });

// ---- Service Catalog provisioned products (UpdateProvisionedProductProperties) ----

/** ProvisionedProductId: 1–100 of `[a-zA-Z0-9_-]`. */
export const provisionedProductId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-zA-Z0-9_-]+$/, { message: 'must contain only letters, digits, "_" and "-", e.g. pp-abcdefghijklm' });

/** Property values (OWNER, LAUNCH_ROLE) are at most 1,024 characters (botocore servicecatalog model, PropertyValue). */
export const MAX_PROPERTY_VALUE_LENGTH = 1024;

/** LAUNCH_ROLE accepts only an IAM role ARN: a user ARN is invalid. */
export const launchRoleArn = z.string().max(MAX_PROPERTY_VALUE_LENGTH).regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[\w+=,.@/-]{1,512}$/, {
  message: 'LAUNCH_ROLE accepts only an IAM role ARN (arn:<partition>:iam::<account>:role/<name>); user ARNs are refused',
});

/** OWNER accepts IAM user, IAM role and STS assumed-role ARNs. */
export const ownerArn = z
  .string()
  .max(MAX_PROPERTY_VALUE_LENGTH)
  .regex(
    /^arn:aws[a-z-]*:(iam::[0-9]{12}:(user|role)\/[\w+=,.@/-]{1,512}|sts::[0-9]{12}:assumed-role\/[\w+=,.@-]{1,64}\/[\w+=,.@-]{2,64})$/,
    { message: 'OWNER accepts an IAM user, IAM role or STS assumed-role ARN' },
  );

// ---- Partner Central Channel (UpdateProgramManagementAccount) ----

/** catalog: 1–64 letters. */
export const catalog = z.string().min(1).max(64).regex(/^[a-zA-Z]+$/, { message: 'must be 1-64 letters, e.g. AWS or Sandbox' });

/** identifier: a program management account ARN, or `pma-` and 13 lowercase letters or digits (17–1011 chars). */
export const programManagementAccountIdentifier = z
  .string()
  .min(17)
  .max(1011)
  .regex(/^(arn:[a-z-]+:partnercentral:[a-z0-9-]+:[0-9]{12}:catalog\/[a-zA-Z]+\/program-management-account\/)?pma-[a-z0-9]{13}$/, {
    message: 'must be pma- followed by 13 lowercase letters or digits, or the account ARN',
  });

/** displayName: 1–30 characters, no control characters. */
export const displayName = z
  .string()
  .min(1)
  .max(30)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .regex(/^[^\x00-\x1F\x7F]+$/, { message: 'must not contain control characters' });

/** revision: 1–10 digits. */
export const revision = z.string().min(1).max(10).regex(/^[0-9]+$/, { message: 'must be 1-10 digits' });
