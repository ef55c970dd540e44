/**
 * "Every accepted request ends in exactly one terminal event, whatever
 * fails in between", on the local stack: executions that time out, are
 * stopped, or cannot publish; lost status-change events; Lambdas that die
 * after doing their work; duplicates hours apart.
 */
import { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import type { EventEnvelope } from '../../local/emulators/event-bridge';
import { T0, callsTo, completions, emittedOfType, requestEntry, sendRequests, startStack } from '../support/stack';

const slowTable = (durationSeconds: number): WorldInput => ({
  cloudControl: { resourceTypes: { 'AWS::DynamoDB::Table': { primaryIdentifier: 'TableName', durationSeconds, retryAfterSeconds: 600 } } },
});
const createTable = (requestId: string) => ({ requestId, operation: 'CREATE', typeName: 'AWS::DynamoDB::Table', desiredState: { TableName: requestId } });

const envelopeOf = (id: string, detail: Record<string, unknown>, detailType = 'Resource Operation Requested'): EventEnvelope => ({
  version: '0', id, 'detail-type': detailType, source: 'platform.provisioning', account: '000000000000',
  time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail,
});

const executionNamed = (stack: LocalStack, name: string) => [...stack.stepFunctions.executions.values()].find((e) => e.name === name)!;

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

/** An operation that outlives the execution: the Lambdas' own deadline is set past the execution's TimeoutSeconds. */
async function startTimingOut(world: WorldInput = {}): Promise<LocalStack> {
  return LocalStack.start({
    world: { ...slowTable(200_000), clock: { start: T0.toISOString(), speed: 'max' }, ...world },
    environment: { OPERATION_TIMEOUT_SECONDS: '200000' },
  });
}

describe('executions that end without sending their terminal event', () => {
  it('a timed-out execution gets one TIMED_OUT event from the status-change rescue, with the progress it had', async () => {
    stack = await startTimingOut();
    await sendRequests(stack, 'Resource Operation Requested', createTable('slow-1'));

    expect(executionNamed(stack, 'slow-1').status).toBe('TIMED_OUT');
    const [completion, ...others] = completions(stack);
    expect(others).toEqual([]);
    expect(completion).toMatchObject({ requestId: 'slow-1', status: 'TIMED_OUT', errorCode: 'States.Timeout', requestToken: expect.any(String) });
    expect(completion!.polls).toBeGreaterThan(100);
  });

  it('when the status-change event is lost, the sweep sends it on its schedule — once, however often it runs', async () => {
    stack = await startTimingOut({ stepFunctions: { dropStatusChangeEvents: true } });
    await sendRequests(stack, 'Resource Operation Requested', createTable('slow-2'));
    // Nothing but the sweep's schedule (rate(15 minutes) in serverless.yml) could have sent it.
    expect(stack.invocations.get('rescueTerminalEvent')).toBeUndefined();
    expect(stack.invocations.get('sweepUnfinishedRequests')).toBeGreaterThanOrEqual(1);
    const [completion] = completions(stack);
    expect(completion).toMatchObject({ requestId: 'slow-2', status: 'TIMED_OUT' });
    const timedOutAt = executionNamed(stack, 'slow-2').stopDate!.getTime();
    expect(new Date(completion!.completedAt).getTime() - timedOutAt).toBeLessThanOrEqual(15 * 60 * 1000);

    await expect(stack.invoke('sweepUnfinishedRequests', {})).resolves.toEqual({ checked: 1, rescued: 0 });
    await expect(stack.invoke('sweepUnfinishedRequests', {})).resolves.toEqual({ checked: 1, rescued: 0 });
    await stack.settle();
    expect(completions(stack)).toHaveLength(1);
  });

  it('an execution stopped by an operator ends CANCELLED', async () => {
    stack = await startStack(slowTable(3600));
    await stack.putEvents([requestEntry(createTable('stopped-1'))]);
    stack.clock.setTimeout(() => {
      void stack.clock.track(async () => stack.stepFunctions.operations().StopExecution!({ executionArn: executionNamed(stack, 'stopped-1').executionArn }, { accessKeyId: '' }));
    }, 120_000);
    await stack.settle();
    expect(executionNamed(stack, 'stopped-1').status).toBe('ABORTED');
    expect(completions(stack)).toEqual([expect.objectContaining({ requestId: 'stopped-1', status: 'CANCELLED', errorCode: 'ExecutionAborted' })]);
  });

  it('when PutEvents is down longer than the execution may run, the sweep sends the completion the workflow meant', async () => {
    // Down for 30 hours: the emit step retries until the execution times out (26 h) while emitting; the
    // status-change rescue fails too while the outage lasts, and the sweep sends the event once it is over.
    stack = await startStack({ ...slowTable(60), faults: [{ operation: 'PutEvents', error: 'InternalFailure', status: 500, untilSeconds: 30 * 3600 }] });
    stack.inject(envelopeOf('evt-undeliverable', createTable('undeliverable-1')));
    await stack.settle();
    expect(executionNamed(stack, 'undeliverable-1')).toMatchObject({ status: 'TIMED_OUT', currentState: undefined });
    expect(completions(stack)).toEqual([expect.objectContaining({ requestId: 'undeliverable-1', status: 'SUCCEEDED' })]);
  });

  it('an execution that failed after sending its event is left alone', async () => {
    stack = await startStack({ cloudControl: { resourceTypes: { 'AWS::DynamoDB::Table': { durationSeconds: 30, failure: { errorCode: 'InvalidRequest' } } } } });
    await sendRequests(stack, 'Resource Operation Requested', createTable('failed-1'));
    expect(executionNamed(stack, 'failed-1').status).toBe('FAILED');
    await expect(stack.invoke('sweepUnfinishedRequests', {})).resolves.toEqual({ checked: 1, rescued: 0 });
    await stack.settle();
    expect(completions(stack)).toEqual([expect.objectContaining({ status: 'FAILED', errorCode: 'InvalidRequest' })]);
  });
});

describe('Lambdas that die after doing their work', () => {
  it('a portfolio share started by a Lambda that then timed out is not started twice', async () => {
    stack = await startStack({
      serviceCatalog: { organization: { units: [{ id: 'ou-wk01-workloads', accounts: 20 }] }, portfolios: ['port-2abcdext3y5fk'] },
      lambdaFaults: [{ function: 'startPortfolioShare', times: 1 }],
    });
    await sendRequests(stack, 'Portfolio Share Requested', {
      requestId: 'crash-1', operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-workloads' },
    });
    expect(stack.crashes.get('startPortfolioShare')).toBe(1);
    expect(callsTo(stack, 'CreatePortfolioShare')).toHaveLength(1);
    expect(stack.serviceCatalog.actions.size).toBe(1);
    expect(emittedOfType(stack, 'Portfolio Share Completed').map((e) => (e.detail as { status: string }).status)).toEqual(['SUCCEEDED']);
  });

  it('a program management account update is applied once, and its completion sent once, when both Lambdas die after their work', async () => {
    stack = await startStack({
      partnerCentral: { programManagementAccounts: [{ catalog: 'AWS', id: 'pma-exampleemea01', displayName: 'Old', revision: '4' }] },
      lambdaFaults: [{ function: 'updateProgramManagementAccount' }, { function: 'emitProgramManagementAccountUpdated' }],
    });
    await sendRequests(stack, 'Program Management Account Update Requested', { requestId: 'crash-2', catalog: 'AWS', identifier: 'pma-exampleemea01', displayName: 'New', revision: '4' });
    expect([stack.crashes.get('updateProgramManagementAccount'), stack.crashes.get('emitProgramManagementAccountUpdated')]).toEqual([1, 1]);
    expect(stack.partnerCentral.accounts.get('pma-exampleemea01')!.revision).toBe('5');
    expect(emittedOfType(stack, 'Program Management Account Updated').map((e) => (e.detail as { status: string }).status)).toEqual(['SUCCEEDED']);
  });
});

describe('duplicates', () => {
  it('the same request delivered again three hours after it finished starts nothing and sends nothing', async () => {
    stack = await startStack(slowTable(60));
    await sendRequests(stack, 'Resource Operation Requested', createTable('late-dup'));
    const envelope = envelopeOf('evt-late-dup', createTable('late-dup'));
    stack.clock.setTimeout(() => stack.inject(envelope), 3 * 3600 * 1000);
    stack.clock.setTimeout(() => stack.inject(envelope), 3 * 3600 * 1000 + 5);
    await stack.settle();
    expect(completions(stack)).toHaveLength(1);
    expect(callsTo(stack, 'CreateResource')).toHaveLength(1);
  });

  it('a bad request delivered five times is rejected once', async () => {
    stack = await startStack();
    const envelope = envelopeOf('evt-bad-dup', { operation: 'UPSERT', typeName: 'AWS::S3::Bucket' });
    for (let i = 0; i < 5; i++) stack.inject(envelope);
    await stack.settle();
    expect(emittedOfType(stack, 'Request Rejected')).toHaveLength(1);
  });
});
