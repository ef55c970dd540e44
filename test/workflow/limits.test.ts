/**
 * Payload safety, at and just past each documented limit, on the local
 * stack: Cloud Control's DesiredState (262,144 characters) and PatchDocument
 * (65,536), Step Functions' 256 KiB for an execution's input and every state,
 * EventBridge's 256 KB per PutEvents call, DynamoDB's 400 KB per item. A
 * request at a limit runs, with its document stored aside; one past it is
 * rejected naming the field and the limit; and no answer a service gives
 * back — however long its messages, however many its hooks — makes a state
 * that cannot be stored after the side effect it reports on.
 */
import type { EventEnvelope } from '../../local/emulators/event-bridge';
import type { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { MAX_DESIRED_STATE_LENGTH, MAX_PATCH_DOCUMENT_LENGTH } from '../../shared/contracts/constraints';
import { callsTo, completions, emittedOfType, rejections, startStack } from '../support/stack';

jest.setTimeout(60_000);

/** Step Functions' limit for an execution's input and every state. */
const MAX_STATE_BYTES = 256 * 1024;

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

const envelopeOf = (id: string, detail: unknown, detailType = 'Resource Operation Requested'): EventEnvelope => ({
  version: '0', id, 'detail-type': detailType, source: 'platform.provisioning', account: '000000000000',
  time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail,
});

/** A desired state that serialises to exactly `length` characters, each three bytes of UTF-8 (the worst case for DynamoDB and Step Functions). */
function desiredStateOf(length: number): Record<string, string> {
  const frame = JSON.stringify({ Name: 'x', Blob: '' }).length;
  return { Name: 'x', Blob: '€'.repeat(length - frame) };
}

const largestState = (stack: LocalStack) => Math.max(...[...stack.stepFunctions.executions.values()].map((e) => e.maxPayloadBytes));
const executionInputs = (stack: LocalStack) => [...stack.stepFunctions.executions.values()].map((e) => e.input).join('\n');

describe('Cloud Control documents', () => {
  const world: WorldInput = { cloudControl: { resourceTypes: { 'AWS::Custom::Blob': { primaryIdentifier: 'Name', durationSeconds: 30 } } } };

  it(`runs a desired state of exactly ${MAX_DESIRED_STATE_LENGTH} characters (786 KB of UTF-8) by reference, and rejects one more`, async () => {
    stack = await startStack(world);
    const atLimit = desiredStateOf(MAX_DESIRED_STATE_LENGTH);
    expect(JSON.stringify(atLimit)).toHaveLength(MAX_DESIRED_STATE_LENGTH);
    // Whole envelopes: EventBridge takes 256 KB per call, so an event this large only arrives where it allows 1 MB.
    stack.inject(envelopeOf('evt-at', { requestId: 'blob-at', operation: 'CREATE', typeName: 'AWS::Custom::Blob', desiredState: atLimit }));
    stack.inject(envelopeOf('evt-past', { requestId: 'blob-past', operation: 'CREATE', typeName: 'AWS::Custom::Blob', desiredState: desiredStateOf(MAX_DESIRED_STATE_LENGTH + 1) }));
    await stack.settle();

    expect(completions(stack).map((c) => [c.requestId, c.status])).toEqual([['blob-at', 'SUCCEEDED']]);
    // Cloud Control got the document, exactly; the execution never carried it.
    expect(callsTo(stack, 'CreateResource')[0]!.input.DesiredState).toBe(JSON.stringify(atLimit));
    expect(executionInputs(stack)).not.toContain('€€€');
    expect(largestState(stack)).toBeLessThan(16 * 1024);
    expect(rejections(stack).map((r) => [r.eventId, r.errors.map((e: { field: string; message: string }) => `${e.field}: ${e.message}`)])).toEqual([
      ['evt-past', [`desiredState: must serialise to at most ${MAX_DESIRED_STATE_LENGTH} characters`]],
    ]);
  });

  it('rejects a compact event whose numbers expand past the limit once serialised, instead of losing it', async () => {
    stack = await startStack(world);
    // 1e20 is 4 characters in the event and 21 once serialised: 15,000 of them fit a PutEvents entry and not a DesiredState.
    const detail = `{"requestId":"expanding-1","operation":"CREATE","typeName":"AWS::Custom::Blob","desiredState":{"Name":"x","N":[${Array(15_000).fill('1e20').join(',')}]}}`;
    expect(Buffer.byteLength(detail)).toBeLessThan(256 * 1024);
    const response = await stack.putEvents([{ Source: 'platform.provisioning', DetailType: 'Resource Operation Requested', Detail: detail }]);
    expect(response.FailedEntryCount).toBe(0);
    await stack.settle();
    expect(callsTo(stack, 'CreateResource')).toEqual([]);
    expect(rejections(stack).map((r) => [r.requestId, r.errors[0].field])).toEqual([['expanding-1', 'desiredState']]);
  });

  it(`runs a patch document of exactly ${MAX_PATCH_DOCUMENT_LENGTH} characters and rejects one more`, async () => {
    stack = await startStack({ cloudControl: { resourceTypes: { 'AWS::Custom::Blob': { primaryIdentifier: 'Name', durationSeconds: 30, existing: { x: { Name: 'x', Blob: '' } } } } } });
    const patchOf = (length: number) => {
      const frame = JSON.stringify([{ op: 'replace', path: '/Blob', value: '' }]).length;
      return [{ op: 'replace', path: '/Blob', value: '€'.repeat(length - frame) }];
    };
    const update = (requestId: string, length: number) => ({ requestId, operation: 'UPDATE', typeName: 'AWS::Custom::Blob', identifier: 'x', patchDocument: patchOf(length) });
    stack.inject(envelopeOf('evt-patch-at', update('patch-at', MAX_PATCH_DOCUMENT_LENGTH)));
    stack.inject(envelopeOf('evt-patch-past', update('patch-past', MAX_PATCH_DOCUMENT_LENGTH + 1)));
    await stack.settle();
    expect(completions(stack).map((c) => [c.requestId, c.status])).toEqual([['patch-at', 'SUCCEEDED']]);
    expect(callsTo(stack, 'UpdateResource')[0]!.input.PatchDocument).toHaveLength(MAX_PATCH_DOCUMENT_LENGTH);
    expect(rejections(stack).map((r) => [r.requestId, r.errors[0].field])).toEqual([['patch-past', 'patchDocument']]);
  });

  it('keeps every state small whatever Cloud Control answers: 200 hooks with 20 KB messages, a 100 KB status message', async () => {
    const longText = (n: number) => 'ü'.repeat(n);
    stack = await startStack({
      cloudControl: {
        resourceTypes: {
          '*': {
            primaryIdentifier: 'Name',
            durationSeconds: 30,
            hooks: Array.from({ length: 200 }, (_, i) => ({ typeName: `Private::Hook::N${i}${longText(2000)}`, failureMode: 'WARN' as const, result: 'FAILED' as const, message: longText(20_000) })),
            failure: { errorCode: 'GeneralServiceException', statusMessage: longText(100_000) },
          },
        },
      },
    });
    // Every field of the request at its longest, in three-byte characters where the field allows them.
    stack.inject(envelopeOf('evt-max', {
      requestId: 'm'.repeat(80), operation: 'CREATE', typeName: `${'A'.repeat(64)}::${'B'.repeat(64)}::${'C'.repeat(64)}`,
      typeVersionId: 'v'.repeat(128), desiredState: desiredStateOf(200_000),
    }));
    await stack.settle();
    const [completion] = completions(stack);
    expect(completion).toMatchObject({ status: 'FAILED', errorCode: 'GeneralServiceException' });
    expect(completion!.hooks).toHaveLength(20);
    expect(largestState(stack)).toBeLessThan(MAX_STATE_BYTES / 2);
    expect(Buffer.byteLength(JSON.stringify(completion))).toBeLessThan(128 * 1024);
  });
});

describe('portfolio shares', () => {
  it('keeps the share state and its completion small with 40 kinds of account error, each with a 50 KB message', async () => {
    stack = await startStack({
      serviceCatalog: {
        organization: { units: [{ id: 'ou-wk01-workloads', accounts: 400 }] },
        portfolios: ['port-2abcdext3y5fk'],
        shares: { accountFailures: Array.from({ length: 40 }, (_, i) => ({ rate: 0.02, error: `Error${i}${'x'.repeat(500)}`, message: 'ü'.repeat(50_000) })) },
      },
    });
    stack.inject(envelopeOf('evt-share', { requestId: 'share-max', operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-workloads' } }, 'Portfolio Share Requested'));
    await stack.settle();
    const [completion] = emittedOfType(stack, 'Portfolio Share Completed').map((e) => e.detail as Record<string, unknown>);
    expect(completion).toMatchObject({ status: 'PARTIALLY_SUCCEEDED' });
    expect(largestState(stack)).toBeLessThan(MAX_STATE_BYTES / 2);
    expect(emittedOfType(stack, 'Portfolio Share Account Failed').length).toBe(completion!.failedAccounts);
  });
});
