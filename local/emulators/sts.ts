/**
 * Emulated AWS STS: AssumeRole into the roles the world's accounts hold.
 *
 * AssumeRole succeeds only when both sides allow it, as IAM evaluates a
 * cross-account request ("Policy evaluation logic", "Cross-account policy
 * evaluation"): the caller's identity policy allows sts:AssumeRole on the
 * role's ARN, and the role's trust policy (a resource policy) allows the
 * caller, its conditions included (`sts:ExternalId`). A role that does not
 * exist answers as one that does not trust the caller: AccessDenied with
 * AWS's sentence, "User: <arn> is not authorized to perform: sts:AssumeRole
 * on resource: <role arn>" (it tells a prober nothing about which roles
 * exist). DurationSeconds past the role's MaxSessionDuration is a
 * ValidationError (API reference, AssumeRole: "If you specify a value higher
 * than this setting ... the operation fails").
 *
 * The credentials it hands out are registered with the stack as a new
 * identity: the assumed-role session ARN, the role's account and the role's
 * permissions, until they expire (ExpiredToken afterwards, as AWS answers).
 */
import { createHash } from 'node:crypto';
import type { PolicyStatement } from '../../tooling/serverless-config';
import type { Clock } from '../../shared/runtime/clock';
import { AwsError, type Caller, type ServiceOperations } from './aws-server';
import { evaluateIdentityPolicy, evaluateResourcePolicy, type Identity } from './iam-policy';

/** A role in one of the world's accounts: who may assume it, and what its sessions may do. */
export interface AssumableRole {
  account: string;
  name: string;
  /** The trust policy's statements (AssumeRolePolicyDocument). */
  trust: PolicyStatement[];
  /** The role's permissions (its policies' statements): what a session may call. */
  permissions: PolicyStatement[];
  /** MaxSessionDuration, 3600 by default (IAM CreateRole). */
  maxSessionSeconds: number;
}

/** An identity with an end: temporary credentials stop working at their Expiration. */
export interface SessionIdentity extends Identity {
  expiresAt?: number;
}

export class StsEmulator {
  private sessions = 0;

  constructor(
    private readonly clock: Clock,
    private readonly seed: number,
    /** The role an ARN names, if it exists. */
    private readonly roleOf: (roleArn: string) => AssumableRole | undefined,
    private readonly identify: (caller: Caller) => SessionIdentity | undefined,
    /** Registers a session's credentials with the stack. */
    private readonly register: (accessKeyId: string, identity: SessionIdentity) => void,
  ) {}

  operations(): ServiceOperations {
    return { AssumeRole: (input, caller) => this.assumeRole(input, caller) };
  }

  private assumeRole(input: Record<string, unknown>, caller: Caller) {
    const identity = this.identify(caller);
    if (!identity) throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    const now = this.clock.now().getTime();
    if (identity.expiresAt !== undefined && now >= identity.expiresAt) throw new AwsError('ExpiredToken', 'The security token included in the request is expired', 400);
    const roleArn = String(input.RoleArn);
    const sessionName = String(input.RoleSessionName);
    const externalId = typeof input.ExternalId === 'string' ? input.ExternalId : undefined;
    const denied = () => new AwsError('AccessDenied', `User: ${identity.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    const context = {
      principalArn: identity.principalArn,
      principalAccount: identity.account,
      action: 'sts:AssumeRole',
      resource: roleArn,
      // A request without an ExternalId has no value for the key: a trust condition on it then matches nothing.
      keys: { 'sts:ExternalId': externalId } as Record<string, string>,
    };
    if (!evaluateIdentityPolicy(identity.policy ?? [], context).allowed) throw denied();
    const role = this.roleOf(roleArn);
    if (!role) throw denied();
    // A role's trust policy binds even callers of its own account: evaluated as a resource policy of no owner.
    if (!evaluateResourcePolicy(role.trust, '', context).allowed) throw denied();
    const duration = typeof input.DurationSeconds === 'number' ? input.DurationSeconds : 3600;
    if (duration > role.maxSessionSeconds) {
      throw new AwsError('ValidationError', `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`, 400);
    }
    this.sessions++;
    const digest = createHash('sha256').update(`${this.seed}:${this.sessions}:${roleArn}`).digest('hex').toUpperCase();
    const accessKeyId = `ASIA${digest.slice(0, 16)}`;
    const roleId = `AROA${digest.slice(16, 33)}`;
    const partition = roleArn.split(':')[1] ?? 'aws';
    const sessionArn = `arn:${partition}:sts::${role.account}:assumed-role/${role.name}/${sessionName}`;
    const expiresAt = now + duration * 1000;
    this.register(accessKeyId, { principalArn: sessionArn, account: role.account, policy: role.permissions, expiresAt });
    return {
      Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: `local-${digest.slice(33, 53)}`, SessionToken: `local-session-${digest.slice(0, 40)}`, Expiration: new Date(expiresAt) },
      AssumedRoleUser: { AssumedRoleId: `${roleId}:${sessionName}`, Arn: sessionArn },
    };
  }
}
