/**
 * Every event Shepherd emits fits its contract. Publishing never parses a
 * detail (a terminal event must not be lost over a schema mismatch); the
 * compiler checks each detail against its contract (`outgoing`,
 * `emitTerminalEvent`: the type-level checks at the end of this file), and
 * this test parses what actually went out: every example request run the way
 * `npm start` runs it (cli/cli.ts on the local stack), every event emitted
 * with source `shepherd` parsed by its detail-type's contract. An unknown
 * detail-type, a detail the schema refuses, or a field the contract does not
 * name fails it. The fault suites do the same for every scenario
 * (test/faults/harness.ts).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../cli/cli';
import type { EventEnvelope } from '../../local/emulators/event-bridge';
import { EMITTED_CONTRACTS, contractViolations } from '../../shared/contracts/conformance';
import { SHEPHERD_SOURCE, contracts, type ResourceOperationCompleted } from '../../shared/contracts/events';
import { outgoing, publishEvents } from '../../shared/events/publish';
import { emitTerminalEvent } from '../../shared/events/terminal';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const jsonFiles = (dir: string) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.json')).sort().map((f) => join(root, dir, f));

/** Runs event files as `shepherd run --json` does and returns the exit status and every event Shepherd emitted. */
async function runExamples(files: string[]): Promise<{ status: number; emitted: EventEnvelope[]; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => ({ write: (chunk: string) => (append(chunk), true) }) as unknown;
  const status = await run(
    ['run', '--world', join(root, 'examples', 'world.yaml'), '--json', '--quiet', ...files],
    sink((t) => (stdout += t)) as Parameters<typeof run>[1],
    sink((t) => (stderr += t)) as Parameters<typeof run>[2],
  );
  const emitted = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as EventEnvelope);
  return { status, emitted, stderr };
}

const seen = new Set<string>();

describe('every event the examples emit fits its contract', () => {
  it.each([
    ['examples/events (npm start)', 'examples/events'],
    ['examples/more (bad requests, a redelivery, a cancel, a busy portfolio)', 'examples/more'],
  ])('%s', async (_name, dir) => {
    const { status, emitted, stderr } = await runExamples(jsonFiles(dir));
    for (const e of emitted) seen.add(e['detail-type']);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(emitted.length).toBeGreaterThan(0);
    expect(emitted.filter((e) => e.source !== SHEPHERD_SOURCE)).toEqual([]);
    expect(contractViolations(emitted)).toEqual([]);
  });

  it('between them, the examples emit every event Shepherd has a contract for', () => {
    expect([...EMITTED_CONTRACTS.keys()].filter((detailType) => !seen.has(detailType))).toEqual([]);
  });
});

describe('the check', () => {
  const completed: ResourceOperationCompleted = {
    requestId: 'r-1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', status: 'SUCCEEDED', hooks: [],
    requestedAt: '2026-11-25T09:00:00.000Z', completedAt: '2026-11-25T09:01:00.000Z', polls: 1, attempts: 1,
  };
  const event = (detailType: string, detail: unknown) => ({ 'detail-type': detailType, detail });

  it('passes a detail that fits', () => {
    expect(contractViolations([event('Resource Operation Completed', completed)])).toEqual([]);
  });

  it('fails an unknown detail-type, a request contract, a value the schema refuses, a missing field and a field the contract does not name', () => {
    const { polls: _polls, ...withoutPolls } = completed;
    expect(
      contractViolations([
        event('Resource Operation Finished', completed),
        event('Resource Operation Requested', completed),
        event('Resource Operation Completed', { ...completed, status: 'DONE' }),
        event('Resource Operation Completed', withoutPolls),
        event('Resource Operation Completed', { ...completed, statusMesage: 'typo', hooks: [{ typeName: 'X', extra: 1 }] }),
      ]),
    ).toEqual([
      '"Resource Operation Finished" (r-1): no emitted contract has this detail-type',
      '"Resource Operation Requested" (r-1): no emitted contract has this detail-type',
      expect.stringMatching(/^Resource Operation Completed \(r-1\) status: /),
      expect.stringMatching(/^Resource Operation Completed \(r-1\) polls: /),
      'Resource Operation Completed (r-1) hooks[0].extra: not in the contract',
      'Resource Operation Completed (r-1) statusMesage: not in the contract',
    ]);
  });
});

describe('typed publishing', () => {
  const rejected = { eventId: 'e-1', source: 'platform.provisioning', detailType: 'Resource Operation Requested', reason: 'invalid', errors: [] };

  it('builds the same plain event as before: { detailType, detail } (what the ledger and dead-letter queue store)', () => {
    expect(outgoing(contracts.requestRejected, rejected)).toStrictEqual({ detailType: 'Request Rejected', detail: rejected });
    expect(outgoing(contracts.requestRejected, rejected, ['arn:x'])).toStrictEqual({ detailType: 'Request Rejected', detail: rejected, resources: ['arn:x'] });
  });

  it('does not compile a detail that does not fit its contract (checked by tsc, never run)', () => {
    // Each @ts-expect-error below fails `npx tsc -p tsconfig.json` if the line after it compiles.
    const neverRun = async (ports: Parameters<typeof publishEvents>[1], completed: ResourceOperationCompleted) => {
      outgoing(contracts.requestRejected, rejected);
      // @ts-expect-error a detail of another event
      outgoing(contracts.requestRejected, completed);
      // @ts-expect-error a field of the wrong type
      outgoing(contracts.requestRejected, { ...rejected, errors: 'none' });
      // @ts-expect-error a required field missing
      outgoing(contracts.portfolioShareAccountFailed, { requestId: 'r-1', operation: 'CREATE', portfolioId: 'port-1', target: {}, shareToken: 't', error: 'E' });
      // @ts-expect-error a field the contract does not name
      outgoing(contracts.requestRejected, { ...rejected, rejectedAt: 'now' });
      // @ts-expect-error requests are not Shepherd's to publish
      outgoing(contracts.resourceOperationRequested, { operation: 'DELETE', typeName: 'AWS::S3::Bucket', identifier: 'b' });
      // @ts-expect-error only `outgoing` makes an OutgoingEvent: no detail-type paired with any detail by hand
      await publishEvents([{ detailType: 'Resource Operation Completed', detail: { anything: true } }], ports);

      await emitTerminalEvent({ workflow: 'resource-operation', requestId: 'r-1', contract: contracts.resourceOperationCompleted, detail: completed }, ports);
      // @ts-expect-error a status the contract does not have
      await emitTerminalEvent({ workflow: 'resource-operation', requestId: 'r-1', contract: contracts.resourceOperationCompleted, detail: { ...completed, status: 'DONE' } }, ports);
      // @ts-expect-error the detail of another terminal event
      await emitTerminalEvent({ workflow: 'resource-operation', requestId: 'r-1', contract: contracts.portfolioShareCompleted, detail: completed }, ports);
      // @ts-expect-error an event that does not end a request is not a terminal event
      await emitTerminalEvent({ workflow: 'portfolio-share', requestId: 'r-1', contract: contracts.portfolioShareAccountFailed, detail: { requestId: 'r-1', operation: 'CREATE', portfolioId: 'port-1', target: {}, shareToken: 't', accountId: '1', error: 'E' } }, ports);
    };
    expect(neverRun).toBeInstanceOf(Function);
  });
});
