/**
 * Cloud Control as AWS behaves where the emulator used to be kinder (issue 12):
 * the role the handlers act as, what a failed CREATE leaves behind, and a
 * ClientToken used a second time. Each case fails on an emulator or a
 * Shepherd that assumes the kinder behaviour.
 */
import { CloudControlEmulator, type CloudControlIam } from '../../local/emulators/cloud-control';
import type { LocalStack } from '../../local/harness/stack';
import { parseWorld, type WorldInput } from '../../local/emulators/world';
import { guardrailsFor } from '../../shared/guardrails';
import { authorizeResourceOperation, cloudControlAllowlist, executionRoleArn, type CloudControlAllowlist } from '../../shared/resource-operation/allowlist';
import { guardrailsFileProblems } from '../../shared/workflow/stage-allowlists';
import { completionDetail } from '../../shared/resource-operation/completion';
import { T0, callsTo, completions, rejections, runRequests, startStack } from '../support/stack';

const ACCOUNT = '000000000000';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

const bucket = (requestId: string, extra: Record<string, unknown> = {}) => ({
  requestId,
  operation: 'CREATE',
  typeName: 'AWS::S3::Bucket',
  desiredState: { BucketName: `bucket-${requestId}` },
  ...extra,
});

const world = (behaviour: Record<string, unknown> = {}, more: WorldInput = {}): WorldInput => ({
  ...more,
  cloudControl: {
    ...more.cloudControl,
    resourceTypes: { 'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', durationSeconds: 30, retryAfterSeconds: 5, ...behaviour } },
  },
});

/** The Cloud Control emulator alone, on a clock the test moves by hand, called by a principal that may pass any role. */
function bareEmulator(input: WorldInput) {
  const clock = { ms: T0.getTime(), now() { return new Date(this.ms); } };
  const iam: CloudControlIam = {
    accountId: ACCOUNT,
    identify: () => ({ principalArn: role('caller'), account: ACCOUNT, policy: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }] }),
    roles: { 'shepherd-cloudcontrol-default': { manages: ['*'] } },
  };
  return { clock, ops: new CloudControlEmulator(parseWorld(input), clock, () => 0.5, iam).operations() };
}

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe('the role Cloud Control acts as', () => {
  it("hands Cloud Control the stage's default role when the request names none, and the execution input shows it", async () => {
    stack = await startStack(world());
    await runRequests(stack, bucket('default-role'));
    expect(completions(stack)).toEqual([expect.objectContaining({ requestId: 'default-role', status: 'SUCCEEDED' })]);
    expect(callsTo(stack, 'CreateResource')[0]!.input.RoleArn).toBe(role(cloudControlAllowlist.of(guardrailsFor('local')).defaultRoleName!));
    const [execution] = stack.stepFunctions.executions.values();
    expect(JSON.parse(execution!.input).request.roleArn).toBe(role('shepherd-cloudcontrol-default'));
  });

  it('refuses at ingest a request without roleArn on a stage that has no default role', () => {
    const noDefault: CloudControlAllowlist = { ...cloudControlAllowlist.of(guardrailsFor('local')), defaultRoleName: undefined };
    const where = { partition: 'aws', accountId: ACCOUNT };
    const request = { operation: 'CREATE' as const, typeName: 'AWS::S3::Bucket', desiredState: {} };
    expect(authorizeResourceOperation(request, noDefault, where)).toEqual([expect.objectContaining({ field: 'roleArn', code: 'required' })]);
    expect(executionRoleArn(undefined, noDefault, where)).toBeUndefined();
    expect(authorizeResourceOperation({ ...request, roleArn: role('shepherd-cloudcontrol-s3') }, noDefault, where)).toEqual([]);
  });

  it('refuses a configuration whose default role is not one the stage may pass', () => {
    const file = { stages: { default: { ...guardrailsFor('local'), cloudControl: { resourceTypes: {}, roleNames: ['shepherd-cc-*'], defaultRoleName: 'admin' } } } };
    expect(() => cloudControlAllowlist.of(guardrailsFor('default', file))).toThrow(/defaultRoleName must be one of roleNames/);
    expect(guardrailsFileProblems(file)).toEqual([expect.stringMatching(/^stages\.default\.cloudControl\.defaultRoleName: defaultRoleName must be one of roleNames/)]);
  });

  it('ends FAILED when the named role does not exist in the account', async () => {
    stack = await startStack(world({}, { iam: { roles: { 'shepherd-cloudcontrol-default': { manages: ['*'] } } } }));
    await runRequests(stack, bucket('no-such-role', { roleArn: role('shepherd-cloudcontrol-missing') }));
    expect(completions(stack)).toEqual([
      expect.objectContaining({ status: 'FAILED', errorCode: 'InvalidRequestException', statusMessage: expect.stringContaining('cannot be assumed') }),
    ]);
    expect(stack.cloudControl.submissions).toEqual([]);
  });

  it("ends FAILED AccessDenied when the role's policy does not cover the resource type, and creates nothing", async () => {
    stack = await startStack(world({}, { iam: { roles: { 'shepherd-cloudcontrol-logs': { manages: ['AWS::Logs::*'] } } } }));
    await runRequests(stack, bucket('wrong-type', { roleArn: role('shepherd-cloudcontrol-logs') }));
    expect(completions(stack)).toEqual([expect.objectContaining({ status: 'FAILED', errorCode: 'AccessDenied', attempts: 1 })]);
    expect(stack.cloudControl.resources.get('AWS::S3::Bucket')?.size ?? 0).toBe(0);
  });

  describe('the emulator checks iam:PassRole against the packaged function policies', () => {
    const model = () => stack!.model;
    /** A clock the test moves by hand. */
    const clock = { ms: T0.getTime(), now() { return new Date(this.ms); } };
    const emulator = (who: 'startResourceOperation' | 'checkResourceOperation') => {
      const fn = model().functions[who]!;
      const iam: CloudControlIam = {
        accountId: ACCOUNT,
        identify: () => ({ principalArn: fn.roleArn, account: ACCOUNT, policy: fn.policy }),
        roles: { 'shepherd-cloudcontrol-default': { manages: ['*'] }, 'other-admin': { manages: ['*'] } },
      };
      const parsed = parseWorld(world());
      return new CloudControlEmulator(parsed, clock, () => 0.5, iam).operations();
    };
    const create = (ops: ReturnType<typeof emulator>, roleArn?: string) =>
      ops.CreateResource!({ TypeName: 'AWS::S3::Bucket', DesiredState: '{"BucketName":"b-1"}', ClientToken: `t-${roleArn?.length ?? 0}`, ...(roleArn ? { RoleArn: roleArn } : {}) }, { accessKeyId: 'k' });

    beforeEach(async () => {
      stack = await startStack(world());
    });

    it('lets the start function pass a role the stage allows', () => {
      expect(() => create(emulator('startResourceOperation'), role('shepherd-cloudcontrol-default'))).not.toThrow();
    });

    it('refuses a role outside the stage allowlist, a role with a path, and any role from a function without iam:PassRole', () => {
      expect(() => create(emulator('startResourceOperation'), role('other-admin'))).toThrow(/not authorized to perform: iam:PassRole/);
      expect(() => create(emulator('startResourceOperation'), `arn:aws:iam::${ACCOUNT}:role/x/shepherd-cloudcontrol-default`)).toThrow(/iam:PassRole/);
      expect(() => create(emulator('checkResourceOperation'), role('shepherd-cloudcontrol-default'))).toThrow(/iam:PassRole/);
    });

    it("without a RoleArn acts as the caller's own role, which may manage nothing: the operation ends FAILED AccessDenied", () => {
      const ops = emulator('startResourceOperation');
      const { ProgressEvent } = create(ops) as { ProgressEvent: { RequestToken: string } };
      clock.ms += 60_000;
      const status = ops.GetResourceRequestStatus!({ RequestToken: ProgressEvent.RequestToken }, { accessKeyId: 'k' }) as any;
      expect(status.ProgressEvent).toMatchObject({ OperationStatus: 'FAILED', ErrorCode: 'AccessDenied' });
      expect(status.ProgressEvent.StatusMessage).toContain('shepherd-local-startResourceOperation'.slice(0, 8));
    });
  });
});

describe('what a failed CREATE leaves behind', () => {
  const partial = { partialCreates: true, failure: { errorCode: 'Throttling', times: 1 } };

  it('reads the resource back before resubmitting: found, it ends FAILED saying so, and no second CREATE is sent', async () => {
    stack = await startStack(world(partial));
    await runRequests(stack, bucket('leftover'));
    const [completion] = completions(stack);
    expect(completion).toMatchObject({ status: 'FAILED', errorCode: 'Throttling', identifier: 'bucket-leftover', resourceExists: true, attempts: 1 });
    expect(completion!.statusMessage).toMatch(/a resource bucket-leftover now exists/);
    expect(callsTo(stack, 'CreateResource')).toHaveLength(1);
    expect(callsTo(stack, 'GetResource')).toHaveLength(1);
    expect(stack.cloudControl.resources.get('AWS::S3::Bucket')?.has('bucket-leftover')).toBe(true);
  });

  it('resubmits when the failed CREATE left nothing, and succeeds', async () => {
    stack = await startStack(world({ failure: { errorCode: 'Throttling', times: 1 } }));
    await runRequests(stack, bucket('clean-retry'));
    expect(completions(stack)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', attempts: 2 })]);
    expect(completions(stack)[0]!.resourceExists).toBeUndefined();
    expect(callsTo(stack, 'GetResource')).toHaveLength(1);
  });

  it('without the read-back the resubmission would have met AlreadyExists: the emulator keeps the leftover', () => {
    const { clock, ops } = bareEmulator(world(partial));
    const caller = { accessKeyId: 'k' };
    const create = (token: string) =>
      ops.CreateResource!({ TypeName: 'AWS::S3::Bucket', DesiredState: '{"BucketName":"twice"}', ClientToken: token, RoleArn: role('shepherd-cloudcontrol-default') }, caller) as any;
    const statusOf = (answer: any) => (ops.GetResourceRequestStatus!({ RequestToken: answer.ProgressEvent.RequestToken }, caller) as any).ProgressEvent;
    const first = create('a1');
    clock.ms += 60_000;
    expect(statusOf(first)).toMatchObject({ OperationStatus: 'FAILED', ErrorCode: 'Throttling', Identifier: 'twice' });
    const second = create('a2');
    clock.ms += 60_000;
    expect(statusOf(second)).toMatchObject({ OperationStatus: 'FAILED', ErrorCode: 'AlreadyExists' });
  });

  it('a request token is not found once the request is more than 7 days old', () => {
    const { clock, ops } = bareEmulator(world());
    const answer = ops.CreateResource!({ TypeName: 'AWS::S3::Bucket', DesiredState: '{"BucketName":"old"}', ClientToken: 'o1', RoleArn: role('shepherd-cloudcontrol-default') }, { accessKeyId: 'k' }) as any;
    const status = () => ops.GetResourceRequestStatus!({ RequestToken: answer.ProgressEvent.RequestToken }, { accessKeyId: 'k' });
    clock.ms += 7 * 24 * 3600 * 1000;
    expect(status()).toBeDefined();
    clock.ms += 1000;
    expect(status).toThrow(expect.objectContaining({ name: 'RequestTokenNotFoundException' }));
  });

  it('a CREATE that fails for good is read back before its end is reported: found, resourceExists; absent, not', async () => {
    const permanent = { failure: { errorCode: 'NotStabilized', times: 1 } };
    const s1 = (stack = await startStack(world({ ...permanent, partialCreates: true })));
    await runRequests(s1, bucket('fails-leaves'));
    expect(completions(s1)).toEqual([expect.objectContaining({ status: 'FAILED', errorCode: 'NotStabilized', identifier: 'bucket-fails-leaves', resourceExists: true, attempts: 1 })]);
    expect(callsTo(s1, 'GetResource')).toHaveLength(1);
    await s1.stop();
    const s2 = (stack = await startStack(world(permanent)));
    await runRequests(s2, bucket('fails-clean'));
    expect(completions(s2)).toEqual([expect.objectContaining({ status: 'FAILED', errorCode: 'NotStabilized' })]);
    expect(completions(s2)[0]!.resourceExists).toBeUndefined();
    expect(callsTo(s2, 'GetResource')).toHaveLength(1);
  });

  it("a read-back that could not be made (its retries spent, caught) leaves the CREATE's own end standing", () => {
    const operation = {
      attempt: 1, polls: 3, startedAt: T0.toISOString(), deadline: T0.toISOString(), hooks: [], identifier: 'b1',
      operationStatus: 'CANCEL_COMPLETE', outcome: 'READ_BACK' as const, finalOutcome: 'CANCELLED' as const,
    };
    const state = {
      requestId: 'r1', eventId: 'e1', requestedAt: T0.toISOString(),
      request: { operation: 'CREATE' as const, typeName: 'AWS::S3::Bucket', desiredStateRef: { key: 'k', sha256: 'x', length: 2 } },
      operation, failure: { Error: 'TransientServiceError', Cause: 'ThrottlingException: Rate exceeded' },
    };
    const detail = completionDetail(state as never, T0);
    expect(detail).toMatchObject({ status: 'CANCELLED', identifier: 'b1' });
    expect(detail.resourceExists).toBeUndefined();
  });

  it('an AlreadyExists CREATE is not read back: the resource was there before it', async () => {
    stack = await startStack(world({ existing: { 'bucket-taken': { BucketName: 'bucket-taken' } } }));
    await runRequests(stack, bucket('taken', { desiredState: { BucketName: 'bucket-taken' } }));
    expect(completions(stack)).toEqual([expect.objectContaining({ status: 'FAILED', errorCode: 'AlreadyExists' })]);
    expect(completions(stack)[0]!.resourceExists).toBeUndefined();
    expect(callsTo(stack, 'GetResource')).toEqual([]);
  });

  it('a CREATE cancelled once IN_PROGRESS leaves its resource, and the completion names it', async () => {
    const s = (stack = await startStack(world({ partialCreates: true, durationSeconds: 600 })));
    await s.putEvents([{ Source: 'platform.provisioning', DetailType: 'Resource Operation Requested', Detail: JSON.stringify(bucket('cancelled')) }]);
    s.clock.setTimeout(() => {
      void s.putEvents([{ Source: 'platform.provisioning', DetailType: 'Resource Operation Cancel Requested', Detail: JSON.stringify({ requestId: 'cancelled' }) }]);
    }, 60_000);
    await s.settle();
    expect(completions(stack)).toEqual([expect.objectContaining({ status: 'CANCELLED', identifier: 'bucket-cancelled', resourceExists: true })]);
    expect(stack.cloudControl.resources.get('AWS::S3::Bucket')?.has('bucket-cancelled')).toBe(true);
  });
});

describe('a ClientToken used again', () => {
  it.each(['conflict', 'replay'] as const)(
    'a submission whose answer was lost is followed, not failed, when Cloud Control answers the retry with %s',
    async (clientTokenReuse) => {
      stack = await startStack(
        world({}, {
          cloudControl: { clientTokenReuse },
          // The start function does its work, then dies on the way back: Step Functions runs the Task again, same token.
          lambdaFaults: [{ function: 'startResourceOperation', fault: 'crash', when: 'after', times: 1 }],
        }),
      );
      await runRequests(stack, bucket(`token-${clientTokenReuse}`));
      expect(completions(stack)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', attempts: 1 })]);
      expect(stack.cloudControl.submissions).toHaveLength(1);
      const refusals = callsTo(stack, 'CreateResource').filter((c) => c.error === 'ClientTokenConflictException');
      expect(refusals).toHaveLength(clientTokenReuse === 'conflict' ? 1 : 0);
    },
  );

  it('an answer lost on the wire (the SDK retries the same call) is followed too', async () => {
    stack = await startStack(world({}, { faults: [{ operation: 'CreateResource', error: 'InternalFailure', status: 500, times: 1, when: 'after' }] }));
    await runRequests(stack, bucket('lost-answer'));
    expect(completions(stack)).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    expect(stack.cloudControl.submissions).toHaveLength(1);
  });

  it('rejections stay untouched by all this: a bad role is still refused at ingest', async () => {
    stack = await startStack(world());
    await runRequests(stack, bucket('bad-role', { roleArn: 'arn:aws:iam::111122223333:role/shepherd-cloudcontrol-default' }));
    expect(rejections(stack)).toEqual([expect.objectContaining({ requestId: 'bad-role' })]);
  });
});
