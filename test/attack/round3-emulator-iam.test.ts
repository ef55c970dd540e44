/**
 * Round 3 — the Cloud Control emulator's IAM enforcement, called directly as Shepherd's packaged functions
 * (their real iam:PassRole statements from serverless.yml), and as functions that may pass nothing. These are the
 * facts promise 1 rests on; the workflow never gets to try most of them because ingest refuses first.
 */
import type { LocalStack } from '../../local/harness/stack';
import { DEFAULT_ROLE, WIDGET, roleArn, startStack, widgetWorld } from './round3-support';

let stack: LocalStack;
afterEach(async () => stack?.stop());

const as = (fnKey: string) => ({ accessKeyId: `function.${fnKey}` });
const createInput = (extra: Record<string, unknown> = {}) => ({ TypeName: WIDGET, DesiredState: JSON.stringify({ Name: 'w1' }), ClientToken: 'tok-1', ...extra });

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).name;
  }
  return 'no refusal';
}

describe('as startResourceOperation (may pass shepherd-cloudcontrol-*)', () => {
  it('without RoleArn it acts as itself and may manage nothing: the operation ends FAILED AccessDenied, nothing created', async () => {
    stack = await startStack(widgetWorld({ durationSeconds: 1, pendingSeconds: 0 }));
    const ops = stack.cloudControl.operations();
    const answer = ops.CreateResource!(createInput(), as('startResourceOperation')) as { ProgressEvent: { RequestToken: string } };
    stack.clock.setTimeout(() => undefined, 5000);
    await stack.settle();
    const status = ops.GetResourceRequestStatus!({ RequestToken: answer.ProgressEvent.RequestToken }, as('startResourceOperation')) as { ProgressEvent: Record<string, unknown> };
    expect(status.ProgressEvent).toMatchObject({ OperationStatus: 'FAILED', ErrorCode: 'AccessDenied' });
    expect(stack.cloudControl.resources.get(WIDGET)?.size ?? 0).toBe(0);
  });

  it.each([
    ['a role with a path, even one the Allow pattern would match', roleArn(`x/${DEFAULT_ROLE}`), 'AccessDeniedException'],
    ['a role of another account', roleArn(DEFAULT_ROLE, '111122223333'), 'AccessDeniedException'],
    ['a role of another partition', roleArn(DEFAULT_ROLE, '000000000000', 'aws-cn'), 'AccessDeniedException'],
    ['the allowed pattern in upper case', roleArn(DEFAULT_ROLE.toUpperCase()), 'AccessDeniedException'],
    ['an allowed name that does not exist', roleArn('shepherd-cloudcontrol-ghost'), 'InvalidRequestException'],
    ['a trailing slash', `${roleArn(DEFAULT_ROLE)}/`, 'AccessDeniedException'],
  ])('RoleArn with %s (%s) is refused at the call with %s, records nothing, and leaves the ClientToken unused', async (_label, arn, expected) => {
    stack = await startStack(widgetWorld());
    const ops = stack.cloudControl.operations();
    expect(refusal(() => ops.CreateResource!(createInput({ RoleArn: arn }), as('startResourceOperation')))).toBe(expected);
    expect(stack.cloudControl.submissions).toHaveLength(0);
    // The same token with a good role afterwards starts the operation (no ClientTokenConflictException).
    expect(refusal(() => ops.CreateResource!(createInput({ RoleArn: roleArn(DEFAULT_ROLE) }), as('startResourceOperation')))).toBe('no refusal');
    expect(stack.cloudControl.submissions).toHaveLength(1);
  });

  it('a throttled first call does not use up its ClientToken; a replayed one with other parameters is a conflict even in replay mode', async () => {
    stack = await startStack(widgetWorld({ throttle: { times: 1 } }, { cloudControl: { clientTokenReuse: 'replay', resourceTypes: {} } }));
    const ops = stack.cloudControl.operations();
    const input = createInput({ RoleArn: roleArn(DEFAULT_ROLE) });
    expect(refusal(() => ops.CreateResource!(input, as('startResourceOperation')))).toBe('ThrottlingException');
    expect(refusal(() => ops.CreateResource!(input, as('startResourceOperation')))).toBe('no refusal');
    expect(refusal(() => ops.CreateResource!(input, as('startResourceOperation')))).toBe('no refusal');
    expect(refusal(() => ops.CreateResource!({ ...input, DesiredState: JSON.stringify({ Name: 'w2' }) }, as('startResourceOperation')))).toBe('ClientTokenConflictException');
    expect(stack.cloudControl.submissions).toHaveLength(1);
  });
});

describe('as functions that pass no role', () => {
  it.each(['checkResourceOperation', 'ingestRequests', 'emitResourceOperationCompleted'])('%s may not pass even the default role (AccessDeniedException)', async (fnKey) => {
    stack = await startStack(widgetWorld());
    const ops = stack.cloudControl.operations();
    expect(refusal(() => ops.CreateResource!(createInput({ RoleArn: roleArn(DEFAULT_ROLE) }), as(fnKey)))).toBe('AccessDeniedException');
    expect(stack.cloudControl.submissions).toHaveLength(0);
  });

  it('an unknown caller is not anybody (UnrecognizedClientException)', async () => {
    stack = await startStack(widgetWorld());
    expect(refusal(() => stack.cloudControl.operations().CreateResource!(createInput({ RoleArn: roleArn(DEFAULT_ROLE) }), { accessKeyId: 'AKIAEXAMPLE' }))).toBe('UnrecognizedClientException');
  });
});
