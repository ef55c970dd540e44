import { createHash } from 'node:crypto';
/**
 * Emulated AWS Cloud Control API. Requests move PENDING → IN_PROGRESS →
 * SUCCESS/FAILED over the service time the world file gives each resource
 * type, on the virtual clock; progress events carry RetryAfter hints;
 * ClientToken makes submissions idempotent for 36 hours; field constraints
 * are the API reference's; faults, hooks and durations come from the world.
 */
import type { Clock } from '../../shared/runtime/clock';
import { matchesAllowed } from '../../shared/allowlists';
import { guardrailsFor } from '../../shared/guardrails';
import { CLOUD_CONTROL_PASSED_TO, cloudControlAllowlist } from '../../shared/resource-operation/allowlist';
import { AwsError, type Caller, type ServiceOperations } from './aws-server';
import { evaluateIdentityPolicy, type Identity } from './iam-policy';
import type { ResourceTypeBehaviour, World } from './world';
import { applyPatch, type PatchOperation } from './json-patch';

type Operation = 'CREATE' | 'UPDATE' | 'DELETE';
type Status = 'PENDING' | 'IN_PROGRESS' | 'SUCCESS' | 'FAILED' | 'CANCEL_IN_PROGRESS' | 'CANCEL_COMPLETE';

/** Length and pattern constraints from the Cloud Control API reference. */
const CONSTRAINTS: Record<string, { min: number; max: number; pattern?: RegExp }> = {
  TypeName: { min: 10, max: 196, pattern: /^[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$/ },
  TypeVersionId: { min: 1, max: 128, pattern: /^[A-Za-z0-9-]+$/ },
  RoleArn: { min: 20, max: 2048, pattern: /^arn:.+:iam::[0-9]{12}:role\/.+$/ },
  ClientToken: { min: 1, max: 128, pattern: /^[-A-Za-z0-9+/=]+$/ },
  DesiredState: { min: 1, max: 262_144 },
  Identifier: { min: 1, max: 1024 },
  PatchDocument: { min: 1, max: 262_144 },
  RequestToken: { min: 1, max: 128, pattern: /^[-A-Za-z0-9+/=]+$/ },
};

const CLIENT_TOKEN_VALIDITY_MS = 36 * 3600 * 1000;
/** Resource requests are kept for 7 days; then their RequestToken is not found (API reference, GetResourceRequestStatus). */
const REQUEST_RETENTION_MS = 7 * 24 * 3600 * 1000;

function validate(input: Record<string, unknown>, required: string[]): void {
  const problems: string[] = [];
  for (const [field, rule] of Object.entries(CONSTRAINTS)) {
    const value = input[field];
    if (value === undefined || value === null) {
      if (required.includes(field)) problems.push(`Value null at '${field}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    if (typeof value !== 'string') {
      problems.push(`Value at '${field}' failed to satisfy constraint: Member must be a string`);
      continue;
    }
    if (value.length < rule.min || value.length > rule.max) {
      problems.push(`Value at '${field}' failed to satisfy constraint: Member must have length between ${rule.min} and ${rule.max}`);
    } else if (rule.pattern && !rule.pattern.test(value)) {
      problems.push(`Value '${value.slice(0, 64)}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${rule.pattern.source}`);
    }
  }
  if (problems.length) throw new AwsError('ValidationException', `${problems.length} validation error(s) detected: ${problems.join('; ')}`);
}

interface HookPlan {
  typeName: string;
  failureMode: string;
  result: 'SUCCEEDED' | 'FAILED';
  message?: string;
}

export interface EmulatedRequest {
  token: string;
  clientToken: string;
  paramsKey: string;
  operation: Operation;
  typeName: string;
  identifier?: string;
  submittedAt: number;
  pendingUntil: number;
  completesAt: number;
  outcome: { status: 'SUCCESS' | 'FAILED'; errorCode?: string; statusMessage?: string };
  /** Applied to the resource store once the request is observed complete. */
  effect?: () => void;
  /** A CREATE whose resource stays behind if it fails or is cancelled once IN_PROGRESS (world: partialCreates). */
  partialCreate: boolean;
  applied: boolean;
  hooks: HookPlan[];
  retryAfterSeconds: number | null;
  retryAfterMode: 'interval' | 'estimate';
  retryAfterOmitRate: number;
  cancelSeconds: number;
  cancelledAt?: number;
}

/** The IAM facts Cloud Control depends on: who calls, and the roles it may act as. */
export interface CloudControlIam {
  accountId: string;
  identify: (caller: Caller) => Identity | undefined;
  /** Roles by name (in accountId) or ARN → the resource types they may manage (patterns). */
  roles: Record<string, { manages: string[] }>;
}

/** The roles a world without an `iam` section has: the stage's default execution role, allowed everything. */
export function defaultExecutionRoles(stage: string): CloudControlIam['roles'] {
  const name = cloudControlAllowlist.of(guardrailsFor(stage)).defaultRoleName;
  return name === undefined ? {} : { [name]: { manages: ['*'] } };
}

/**
 * The primary identifier an Identifier names: "Primary identifiers can be specified as a string or JSON"
 * (API reference, GetResource): `{"BucketName":"b1"}` names b1 for a type whose primary identifier is BucketName.
 */
function primaryIdentifierOf(raw: string, behaviour: ResourceTypeBehaviour): string {
  if (!raw.startsWith('{') || !behaviour.primaryIdentifier) return raw;
  try {
    const value = (JSON.parse(raw) as Record<string, unknown>)[behaviour.primaryIdentifier];
    return typeof value === 'string' ? value : raw;
  } catch {
    return raw;
  }
}

/** Whether this progress event goes without a RetryAfter: a draw from the request and the moment, not from the shared random. */
function omitsHint(r: EmulatedRequest, now: number): boolean {
  if (r.retryAfterOmitRate <= 0) return false;
  const draw = createHash('sha256').update(`${r.token}@${now}`).digest().readUInt32BE(0) / 0x100000000;
  return draw < r.retryAfterOmitRate;
}

export class CloudControlEmulator {
  /** typeName → identifier → resource model. */
  readonly resources = new Map<string, Map<string, Record<string, unknown>>>();
  readonly requests = new Map<string, EmulatedRequest>();
  private readonly clientTokens = new Map<string, { token: string; paramsKey: string; usedAt: number }>();
  private readonly throttled = new Map<string, number>();
  private readonly failed = new Map<string, number>();

  constructor(
    private readonly world: World,
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly iam: CloudControlIam,
  ) {
    for (const [typeName, behaviour] of Object.entries(world.cloudControl.resourceTypes)) {
      if (typeName === '*') continue;
      this.resources.set(typeName, new Map(Object.entries(behaviour.existing).map(([id, model]) => [id, { ...model }])));
    }
    for (const outside of world.cloudControl.outsideRequests) this.addOutsideRequest(outside);
  }

  /** A request someone else submitted before the run (world cloudControl.outsideRequests). */
  private addOutsideRequest(outside: World['cloudControl']['outsideRequests'][number]): void {
    const now = this.clock.now().getTime();
    const behaviour = this.behaviour(outside.typeName);
    if (!this.resources.has(outside.typeName)) this.resources.set(outside.typeName, new Map());
    const store = this.resources.get(outside.typeName)!;
    const id = outside.identifier;
    const effect =
      outside.operation === 'DELETE' ? () => void store.delete(id) : () => void store.set(id, { ...(store.get(id) ?? {}), ...(outside.resourceModel ?? {}) });
    const token = outside.requestToken ?? this.newToken();
    if (this.requests.has(token)) throw new Error(`world: cloudControl.outsideRequests names RequestToken ${token} twice`);
    this.requests.set(token, {
      token,
      clientToken: `outside-${token}`,
      paramsKey: `outside-${token}`,
      operation: outside.operation,
      typeName: outside.typeName,
      identifier: id,
      submittedAt: now,
      pendingUntil: now + Math.min(1, outside.remainingSeconds) * 1000,
      completesAt: now + outside.remainingSeconds * 1000,
      outcome: outside.failure ? { status: 'FAILED', ...outside.failure } : { status: 'SUCCESS' },
      effect: outside.failure ? undefined : effect,
      partialCreate: false,
      applied: false,
      hooks: [],
      retryAfterSeconds: behaviour.retryAfterSeconds,
      retryAfterMode: behaviour.retryAfterMode,
      retryAfterOmitRate: behaviour.retryAfterOmitRate,
      cancelSeconds: behaviour.cancelSeconds,
    });
  }

  /**
   * ListResourceRequests (API reference): the requests of the last 7 days, filtered by operation and status
   * (ResourceRequestStatusFilter), newest first, MaxResults (1-100) at a time with a NextToken. The order and
   * the page size without MaxResults are not documented: newest first, and 20, callers follow NextToken.
   */
  private listRequests(input: Record<string, unknown>) {
    const now = this.clock.now().getTime();
    const filter = (input.ResourceRequestStatusFilter ?? {}) as { Operations?: string[]; OperationStatuses?: string[] };
    const events = [...this.requests.values()]
      .filter((r) => now - r.submittedAt <= REQUEST_RETENTION_MS)
      .sort((a, b) => b.submittedAt - a.submittedAt || a.token.localeCompare(b.token))
      .map((r) => this.progressEvent(r, now))
      .filter((e) => (!filter.Operations?.length || filter.Operations.includes(e.Operation)) && (!filter.OperationStatuses?.length || filter.OperationStatuses.includes(e.OperationStatus)));
    const size = typeof input.MaxResults === 'number' ? input.MaxResults : 20;
    const offset = input.NextToken === undefined ? 0 : Number(input.NextToken);
    if (!Number.isInteger(offset) || offset < 0 || offset > events.length) throw new AwsError('ValidationException', 'The NextToken is not valid.');
    return {
      ResourceRequestStatusSummaries: events.slice(offset, offset + size),
      NextToken: offset + size < events.length ? String(offset + size) : undefined,
    };
  }

  /** Requests submitted, idempotent replays not counted: what "an operation on the AWS side" means. */
  get submissions(): EmulatedRequest[] {
    return [...this.requests.values()];
  }

  operations(): ServiceOperations {
    return {
      CreateResource: (input, caller) => this.submit('CREATE', input, caller),
      UpdateResource: (input, caller) => this.submit('UPDATE', input, caller),
      DeleteResource: (input, caller) => this.submit('DELETE', input, caller),
      GetResourceRequestStatus: (input) => this.getStatus(input),
      CancelResourceRequest: (input) => this.cancel(input),
      GetResource: (input, caller) => this.getResource(input, caller),
      ListResourceRequests: (input) => this.listRequests(input),
    };
  }

  private behaviour(typeName: string): ResourceTypeBehaviour {
    const types = this.world.cloudControl.resourceTypes;
    const behaviour = types[typeName] ?? types['*'];
    if (!behaviour) throw new AwsError('TypeNotFoundException', `The type '${typeName}' cannot be found.`);
    if (!this.resources.has(typeName)) this.resources.set(typeName, new Map());
    return behaviour;
  }

  private newToken(): string {
    const hex = () => Math.floor(this.random() * 0x100000000).toString(16).padStart(8, '0');
    return `${hex()}-${hex().slice(0, 4)}-${hex().slice(0, 4)}-${hex().slice(0, 4)}-${hex()}${hex().slice(0, 4)}`;
  }

  private inFlightOn(typeName: string, identifier: string): EmulatedRequest | undefined {
    const now = this.clock.now().getTime();
    return [...this.requests.values()].find(
      (r) => r.typeName === typeName && r.identifier === identifier && this.statusAt(r, now).final === false,
    );
  }

  /**
   * Who the resource handlers act as: the RoleArn, which the caller must be
   * allowed to pass (iam:PassRole to cloudformation.amazonaws.com, by its
   * role's own statements) and which must exist; without one, the caller's
   * own credentials (API reference, CreateResource RoleArn: "Cloud Control
   * API uses a temporary session created using your AWS user credentials").
   * Returns the principal and the types it may manage.
   */
  private actingPrincipal(input: Record<string, unknown>, caller: Caller): { arn: string; manages: string[] } {
    const identity = this.iam.identify(caller);
    if (!identity) throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    const roleArn = typeof input.RoleArn === 'string' ? input.RoleArn : undefined;
    // A function role's own policy grants Cloud Control calls only: its handlers can manage no type.
    if (roleArn === undefined) return { arn: identity.principalArn, manages: [] };
    const decision = evaluateIdentityPolicy(identity.policy ?? [], {
      principalArn: identity.principalArn,
      principalAccount: identity.account,
      action: 'iam:PassRole',
      resource: roleArn,
      keys: { 'iam:PassedToService': CLOUD_CONTROL_PASSED_TO },
    });
    if (!decision.allowed) {
      throw new AwsError('AccessDeniedException', `User: ${identity.principalArn} is not authorized to perform: iam:PassRole on resource: ${roleArn}`);
    }
    const name = roleArn.split('/').pop()!;
    const role = this.iam.roles[roleArn] ?? (roleArn === `arn:aws:iam::${this.iam.accountId}:role/${name}` ? this.iam.roles[name] : undefined);
    // AWS's answer to a role that does not exist is not documented for Cloud Control; CloudFormation refuses such a
    // role at once with "Role <arn> is invalid or cannot be assumed" (a ValidationError), so the emulator does too.
    if (!role) throw new AwsError('InvalidRequestException', `Role ${roleArn} is invalid or cannot be assumed`);
    return { arn: roleArn, manages: role.manages };
  }

  private submit(operation: Operation, input: Record<string, unknown>, caller: Caller) {
    const required = ['TypeName', ...(operation === 'CREATE' ? ['DesiredState'] : ['Identifier']), ...(operation === 'UPDATE' ? ['PatchDocument'] : [])];
    validate(input, required);
    const now = this.clock.now().getTime();
    const typeName = String(input.TypeName);
    const { ClientToken, ...params } = input;
    const paramsKey = JSON.stringify({ operation, ...params });
    const clientToken = typeof ClientToken === 'string' ? ClientToken : this.newToken();

    const seen = this.clientTokens.get(clientToken);
    if (seen && now - seen.usedAt < CLIENT_TOKEN_VALIDITY_MS) {
      if (seen.paramsKey !== paramsKey || this.world.cloudControl.clientTokenReuse === 'conflict') {
        // The wording of the report in carina-rs/carina#1516.
        throw new AwsError(
          'ClientTokenConflictException',
          `Client token [${clientToken}] is already associated with an existing operation with RequestToken [${seen.token}]`,
        );
      }
      return { ProgressEvent: this.progressEvent(this.requests.get(seen.token)!, now) };
    }
    const acting = this.actingPrincipal(input, caller);

    const behaviour = this.behaviour(typeName);
    if (behaviour.throttle && (this.throttled.get(typeName) ?? 0) < behaviour.throttle.times) {
      this.throttled.set(typeName, (this.throttled.get(typeName) ?? 0) + 1);
      throw new AwsError('ThrottlingException', 'Rate exceeded');
    }

    const store = this.resources.get(typeName)!;
    let identifier = typeof input.Identifier === 'string' ? primaryIdentifierOf(input.Identifier, behaviour) : undefined;
    let outcome: EmulatedRequest['outcome'] = { status: 'SUCCESS' };
    let effect: (() => void) | undefined;

    if (operation === 'CREATE') {
      let desired: Record<string, unknown>;
      try {
        desired = JSON.parse(String(input.DesiredState)) as Record<string, unknown>;
        if (!desired || typeof desired !== 'object' || Array.isArray(desired)) throw new Error('not an object');
      } catch {
        throw new AwsError('InvalidRequestException', 'DesiredState must be a JSON object.');
      }
      const named = behaviour.primaryIdentifier ? desired[behaviour.primaryIdentifier] : undefined;
      identifier = typeof named === 'string' ? named : `${typeName.split('::').pop()!.toLowerCase()}-${this.newToken().slice(0, 8)}`;
      const model = behaviour.primaryIdentifier ? { ...desired, [behaviour.primaryIdentifier]: identifier } : desired;
      const id = identifier;
      // Another operation on the same identifier is running: refused at once, as for UPDATE and DELETE (what
      // AWS answers a CREATE here is not documented; a refusal the caller can wait out is the safe reading).
      if (this.inFlightOn(typeName, id)) {
        throw new AwsError('ConcurrentOperationException', `Another resource operation is currently being performed on ${id}.`);
      }
      if (store.has(id)) {
        outcome = { status: 'FAILED', errorCode: 'AlreadyExists', statusMessage: `Resource of type '${typeName}' with identifier '${id}' already exists.` };
      } else effect = () => store.set(id, model);
    } else {
      const id = identifier!;
      if (this.inFlightOn(typeName, id)) {
        throw new AwsError('ConcurrentOperationException', `Another resource operation is currently being performed on ${id}.`);
      }
      const current = store.get(id);
      if (!current && operation === 'UPDATE') {
        // AWS refuses an UPDATE of an identifier that does not exist at the call (LocalStack's test_api_exceptions,
        // run against AWS); a DELETE is accepted and ends FAILED NotFound.
        throw new AwsError('ResourceNotFoundException', `Resource of type '${typeName}' with identifier '${id}' was not found.`);
      }
      if (!current) {
        outcome = { status: 'FAILED', errorCode: 'NotFound', statusMessage: `Resource of type '${typeName}' with identifier '${id}' was not found.` };
      } else if (operation === 'UPDATE') {
        try {
          const patched = applyPatch(current, JSON.parse(String(input.PatchDocument)) as PatchOperation[]);
          // RFC 6902 lets a patch replace the root ("" path); a resource model stays a JSON object.
          if (!patched || typeof patched !== 'object' || Array.isArray(patched)) throw new Error('the patched resource model must be a JSON object');
          effect = () => store.set(id, patched);
        } catch (error) {
          outcome = { status: 'FAILED', errorCode: 'InvalidRequest', statusMessage: `Patch could not be applied: ${(error as Error).message}` };
        }
      } else effect = () => store.delete(id);
    }

    if (!matchesAllowed(typeName, acting.manages)) {
      // The handler's calls are made as the acting principal, whose policy does not cover this type: its first
      // call is refused, before it could find the resource absent, present or unpatchable.
      const session = acting.arn.replace(/^arn:([^:]+):iam::([0-9]+):role\/(.*)$/, 'arn:$1:sts::$2:assumed-role/$3/CloudControl');
      outcome = { status: 'FAILED', errorCode: 'AccessDenied', statusMessage: `User: ${session} is not authorized to manage resources of type ${typeName} (${operation})` };
      effect = undefined;
    }

    const failure = behaviour.failure;
    if (outcome.status === 'SUCCESS' && failure && (!failure.operations || failure.operations.includes(operation))) {
      const failedSoFar = this.failed.get(typeName) ?? 0;
      if (failure.times === undefined || failedSoFar < failure.times) {
        this.failed.set(typeName, failedSoFar + 1);
        outcome = { status: 'FAILED', errorCode: failure.errorCode, statusMessage: failure.statusMessage ?? `Injected ${failure.errorCode}` };
        // A handler that failed part-way may have created the resource already (partialCreates keeps the effect).
        if (!(behaviour.partialCreates && operation === 'CREATE')) effect = undefined;
      }
    }

    const hooks: HookPlan[] = behaviour.hooks.map((h) => ({ typeName: h.typeName, failureMode: h.failureMode, result: h.result, message: h.message }));
    const pendingUntil = now + behaviour.pendingSeconds * 1000;
    let completesAt = now + Math.max(behaviour.durationSeconds, behaviour.pendingSeconds) * 1000;
    const blockingHook = hooks.find((h) => h.result === 'FAILED' && h.failureMode === 'FAIL');
    if (blockingHook && outcome.status === 'SUCCESS') {
      outcome = { status: 'FAILED', errorCode: 'GeneralServiceException', statusMessage: `Hook ${blockingHook.typeName} failed: ${blockingHook.message ?? 'non-compliant'}` };
      effect = undefined;
      completesAt = pendingUntil;
    }

    const request: EmulatedRequest = {
      token: this.newToken(),
      clientToken,
      paramsKey,
      operation,
      typeName,
      identifier,
      submittedAt: now,
      pendingUntil,
      completesAt,
      outcome,
      effect,
      partialCreate: behaviour.partialCreates && operation === 'CREATE',
      applied: false,
      hooks,
      retryAfterSeconds: behaviour.retryAfterSeconds,
      retryAfterMode: behaviour.retryAfterMode,
      retryAfterOmitRate: behaviour.retryAfterOmitRate,
      cancelSeconds: behaviour.cancelSeconds,
    };
    this.requests.set(request.token, request);
    this.clientTokens.set(clientToken, { token: request.token, paramsKey, usedAt: now });
    return { ProgressEvent: this.progressEvent(request, now) };
  }

  private statusAt(r: EmulatedRequest, now: number): { status: Status; final: boolean } {
    if (r.cancelledAt !== undefined) {
      if (now < r.cancelledAt + r.cancelSeconds * 1000) return { status: 'CANCEL_IN_PROGRESS', final: false };
      if (!r.applied) {
        r.applied = true;
        // Cancelled once the handler had started: a partial create leaves what it had made.
        if (r.partialCreate && r.cancelledAt >= r.pendingUntil && r.outcome.status === 'SUCCESS') r.effect?.();
      }
      return { status: 'CANCEL_COMPLETE', final: true };
    }
    if (now < r.pendingUntil) return { status: 'PENDING', final: false };
    if (now < r.completesAt) return { status: 'IN_PROGRESS', final: false };
    if (!r.applied) {
      r.applied = true;
      if (r.outcome.status === 'SUCCESS' || r.partialCreate) r.effect?.();
    }
    return { status: r.outcome.status, final: true };
  }

  private progressEvent(r: EmulatedRequest, now: number) {
    const { status, final } = this.statusAt(r, now);
    const model = r.identifier ? this.resources.get(r.typeName)?.get(r.identifier) : undefined;
    return {
      TypeName: r.typeName,
      Identifier: r.identifier,
      RequestToken: r.token,
      HooksRequestToken: r.hooks.length ? `hooks-${r.token}` : undefined,
      Operation: r.operation,
      OperationStatus: status,
      EventTime: new Date(now),
      ResourceModel: status === 'SUCCESS' && r.operation !== 'DELETE' && model ? JSON.stringify(model) : undefined,
      StatusMessage: status === 'FAILED' ? r.outcome.statusMessage : undefined,
      ErrorCode: status === 'FAILED' ? r.outcome.errorCode : undefined,
      RetryAfter: !final && r.retryAfterSeconds !== null && !omitsHint(r, now) ? new Date(this.retryAfter(r, now)) : undefined,
    };
  }

  private retryAfter(r: EmulatedRequest, now: number): number {
    const interval = now + r.retryAfterSeconds! * 1000;
    const doneAt = r.cancelledAt !== undefined ? r.cancelledAt + r.cancelSeconds * 1000 : r.completesAt;
    return r.retryAfterMode === 'estimate' ? Math.min(interval, Math.max(doneAt, now + 1000)) : interval;
  }

  private request(input: Record<string, unknown>): EmulatedRequest {
    validate(input, ['RequestToken']);
    const request = this.requests.get(String(input.RequestToken));
    if (!request || this.clock.now().getTime() - request.submittedAt > REQUEST_RETENTION_MS) {
      throw new AwsError('RequestTokenNotFoundException', `Request with token ${String(input.RequestToken)} was not found.`);
    }
    return request;
  }

  private getStatus(input: Record<string, unknown>) {
    const request = this.request(input);
    const now = this.clock.now().getTime();
    const hooksDone = now >= request.pendingUntil;
    return {
      ProgressEvent: this.progressEvent(request, now),
      HooksProgressEvent: request.hooks.map((h) => ({
        HookTypeName: h.typeName,
        HookTypeVersionId: '00000001',
        HookTypeArn: `arn:aws:cloudformation:us-east-1:000000000000:type/hook/${h.typeName.replace(/::/g, '-')}`,
        InvocationPoint: 'PRE_PROVISION',
        HookStatus: !hooksDone ? 'HOOK_IN_PROGRESS' : h.result === 'SUCCEEDED' ? 'HOOK_COMPLETE_SUCCEEDED' : 'HOOK_COMPLETE_FAILED',
        HookEventTime: new Date(Math.min(now, request.pendingUntil)),
        HookStatusMessage: hooksDone ? (h.message ?? (h.result === 'SUCCEEDED' ? 'Hook succeeded' : 'Hook failed')) : undefined,
        FailureMode: h.failureMode,
      })),
    };
  }

  /**
   * CancelResourceRequest, as LocalStack's AWS-validated snapshots record it (test_cancel_request,
   * test_cancel_edge_cases): PENDING and IN_PROGRESS are cancelled; a request that is being or has been
   * cancelled answers its progress event again; one that ended SUCCESS or FAILED is refused with
   * ValidationException "Request <token> is already in status <status>".
   */
  private cancel(input: Record<string, unknown>) {
    const request = this.request(input);
    const now = this.clock.now().getTime();
    const { status } = this.statusAt(request, now);
    if (status === 'SUCCESS' || status === 'FAILED') {
      throw new AwsError('ValidationException', `Request ${request.token} is already in status ${status}`);
    }
    if (status === 'PENDING' || status === 'IN_PROGRESS') request.cancelledAt = now;
    return { ProgressEvent: this.progressEvent(request, now) };
  }

  private getResource(input: Record<string, unknown>, caller: Caller) {
    validate(input, ['TypeName', 'Identifier']);
    const behaviour = this.behaviour(String(input.TypeName));
    const acting = this.actingPrincipal(input, caller);
    if (!matchesAllowed(String(input.TypeName), acting.manages)) {
      // The read handler runs as the acting principal too; the handler's refusal surfaces as this exception.
      throw new AwsError('InvalidCredentialsException', `${acting.arn} may not read resources of type ${String(input.TypeName)}`);
    }
    const now = this.clock.now().getTime();
    for (const r of this.requests.values()) this.statusAt(r, now); // settle what has finished
    const identifier = primaryIdentifierOf(String(input.Identifier), behaviour);
    const model = this.resources.get(String(input.TypeName))?.get(identifier);
    if (!model) throw new AwsError('ResourceNotFoundException', `Resource ${String(input.Identifier)} was not found.`);
    return { TypeName: input.TypeName, ResourceDescription: { Identifier: identifier, Properties: JSON.stringify(model) } };
  }
}
