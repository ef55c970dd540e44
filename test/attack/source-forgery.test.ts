/**
 * Promise 2: sources cannot be forged. The bus policy ties each source to its
 * principals; source "shepherd" only to Shepherd's own function roles.
 */
import type { LocalStack } from '../../local/harness/stack';
import { FOREIGN, INTRUDER, OTHER_PRODUCER, PRODUCER, RO, entry, start } from './support';

const FORGED_COMPLETION = {
  requestId: 'victim-1',
  operation: 'CREATE',
  typeName: 'AWS::S3::Bucket',
  status: 'SUCCEEDED',
  hooks: [],
  requestedAt: '2026-11-25T09:00:00.000Z',
  completedAt: '2026-11-25T09:00:10.000Z',
  polls: 1,
  attempts: 1,
};

const SHEPHERD_EVENTS: Array<[string, Record<string, unknown>]> = [
  ['Resource Operation Completed', FORGED_COMPLETION],
  ['Request Rejected', { requestId: 'victim-1', eventId: 'x', source: 'platform.provisioning', detailType: RO, reason: 'forged', errors: [] }],
  ['Portfolio Share Completed', { requestId: 'victim-1', status: 'SUCCEEDED' }],
  ['Program Management Account Updated', { requestId: 'victim-1', status: 'SUCCEEDED' }],
];

describe('forging Shepherd events on Shepherd\'s bus', () => {
  let stack: LocalStack;
  beforeEach(async () => {
    stack = await start();
  });
  afterEach(async () => stack.stop());

  const senders: Array<[string, string]> = [
    ['an unknown role of the account', INTRUDER],
    ['the platform producer itself', PRODUCER],
    ['another platform-* role', OTHER_PRODUCER],
    ['an IAM user of the account', 'arn:aws:iam::000000000000:user/shepherd'],
    ['a role named like a Shepherd function', 'arn:aws:iam::000000000000:role/shepherd-local-ingestRequests-us-east-1-lambdaRole-x'],
    ['a role in another account', FOREIGN],
    ['a role in another partition', 'arn:aws-cn:iam::000000000000:role/platform-automation'],
  ];

  it.each(senders)('%s cannot send source "shepherd"', async (_who, as) => {
    for (const [detailType, detail] of SHEPHERD_EVENTS) {
      const out = await stack.putEvents([entry('shepherd', detailType, detail)], { as });
      expect(out.FailedEntryCount).toBe(1);
    }
    await stack.settle();
    expect(stack.emitted).toHaveLength(0);
    expect(stack.events.filter((e) => e.source === 'shepherd')).toHaveLength(0);
  });

  it('naming Shepherd\'s bus by ARN does not get around the policy', async () => {
    const busArn = `arn:aws:events:us-east-1:000000000000:event-bus/${stack.busName}`;
    const out = await stack.putEvents([{ ...entry('shepherd', 'Resource Operation Completed', FORGED_COMPLETION), EventBusName: busArn }], { as: INTRUDER });
    expect(out.FailedEntryCount).toBe(1);
    await stack.settle();
    expect(stack.emitted).toHaveLength(0);
  });

  it('a batch mixing an allowed request and a forged completion: only the request gets through', async () => {
    const out = await stack.putEvents([
      entry('platform.provisioning', RO, { requestId: 'legit-1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: 'a' } }),
      entry('shepherd', 'Resource Operation Completed', { ...FORGED_COMPLETION, requestId: 'legit-1', status: 'FAILED' }),
    ]);
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[1]?.ErrorCode).toBeDefined();
    await stack.settle();
    const completions = stack.emitted.filter((e) => e['detail-type'] === 'Resource Operation Completed');
    expect(completions.map((e) => (e.detail as any).status)).toEqual(['SUCCEEDED']);
  });

  it.each([
    ['an unknown role sends platform.provisioning', INTRUDER, 'platform.provisioning'],
    ['a user named platform-automation sends platform.provisioning', 'arn:aws:iam::000000000000:user/platform-automation', 'platform.provisioning'],
    ['another account sends platform.provisioning', FOREIGN, 'platform.provisioning'],
    ['another account sends platform.catalog', 'arn:aws:iam::111122223333:role/platform-catalog', 'platform.catalog'],
    ['another partition sends platform.provisioning', 'arn:aws-us-gov:iam::000000000000:role/platform-automation', 'platform.provisioning'],
  ])('%s: refused by the bus, nothing reaches Shepherd', async (_name, as, source) => {
    const out = await stack.putEvents(
      [entry(source, RO, { requestId: 'sneaky', operation: 'DELETE', typeName: 'AWS::Logs::LogGroup', identifier: '/audit' })],
      { as },
    );
    expect(out.FailedEntryCount).toBe(1);
    await stack.settle();
    expect(stack.stepFunctions.executions.size).toBe(0);
    expect(stack.server.calls.filter((c) => c.operation === 'DeleteResource')).toHaveLength(0);
  });

  it('an event from an unlisted source from a same-account principal reaches no workflow', async () => {
    const out = await stack.putEvents(
      [entry('platform.provisioning.evil', RO, { requestId: 'sneaky-2', operation: 'DELETE', typeName: 'AWS::Logs::LogGroup', identifier: '/audit' })],
      { as: INTRUDER },
    );
    // The bus may accept it (no rule for the source); what matters is that nothing acts on it.
    expect(out.FailedEntryCount).toBeLessThanOrEqual(1);
    await stack.settle();
    expect(stack.stepFunctions.executions.size).toBe(0);
    expect(stack.server.calls.filter((c) => c.operation === 'DeleteResource')).toHaveLength(0);
  });

  it('source "shepherd" on the default bus is not Shepherd speaking: the local stack does not count it as emitted', async () => {
    const out = await stack.putEvents([{ ...entry('shepherd', 'Resource Operation Completed', FORGED_COMPLETION), EventBusName: 'default' }], { as: INTRUDER });
    await stack.settle();
    // The default bus has no Shepherd policy (as on AWS, anyone in the account may send any non-aws.* source there);
    // Shepherd publishes only on its own bus, so subscribers listen there, and so does `emitted`.
    expect({ failed: out.FailedEntryCount, emitted: stack.emitted.length }).toEqual({ failed: 0, emitted: 0 });
  });
});
