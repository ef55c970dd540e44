/**
 * Fan-out at organization scale: a share to an OU of 10,000 accounts of
 * which 3,000 fail. Prints PutEvents calls, account events, the largest
 * state payload, history events, wall time and peak memory.
 *
 *   npm run bench:fan-out
 *
 * test/workflow/portfolio-share-scale.test.ts runs the same scenario and
 * holds it to the targets.
 */
import { LocalStack } from '../local/harness/stack';
import type { WorldInput } from '../local/emulators/world';

export const FAN_OUT = { accounts: 10_000, failed: 3_000, ou: 'ou-big1-allworkloads', portfolio: 'port-2abcdext3y5fk' };

export const fanOutWorld: WorldInput = {
  clock: { start: '2026-11-25T09:00:00Z', speed: 'max' },
  serviceCatalog: {
    organization: { id: 'o-exampleorg1', accounts: [], units: [{ id: FAN_OUT.ou, accounts: FAN_OUT.accounts }] },
    portfolios: [FAN_OUT.portfolio],
    // About 17 minutes of service time for 10,000 accounts.
    shares: {
      startSeconds: 5,
      minSeconds: 5,
      secondsPerAccount: 0.1,
      accountFailures: [
        { rate: (FAN_OUT.failed / FAN_OUT.accounts) * (2 / 3), error: 'AccessDenied', message: 'The account has not accepted the trust.' },
        { rate: (FAN_OUT.failed / FAN_OUT.accounts) * (1 / 3), error: 'AccountSuspended', message: 'The account is suspended.' },
      ],
    },
  },
};

export interface FanOutFigures {
  accountEvents: number;
  distinctAccounts: number;
  accountEventPutEventsCalls: number;
  largestStatePayloadBytes: number;
  historyEvents: number;
  polls: number;
  status: string;
  wallSeconds: number;
  peakRssMiB: number;
}

/** Runs the scenario on a fresh local stack and measures it. */
export async function measureFanOut(extra: Partial<WorldInput> = {}): Promise<FanOutFigures> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const stack = await LocalStack.start({ world: { ...fanOutWorld, ...extra } });
  try {
    // Straight onto the bus, so world faults on PutEvents hit only Shepherd's own events.
    stack.inject({
      version: '0', id: 'fan-out-request', 'detail-type': 'Portfolio Share Requested', source: 'platform.catalog',
      account: '000000000000', time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [],
      detail: { requestId: 'fan-out', operation: 'CREATE', portfolioId: FAN_OUT.portfolio, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: FAN_OUT.ou } },
    });
    await stack.settle();
    const wallSeconds = (performance.now() - started) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const accountEvents = stack.emitted.filter((e) => e['detail-type'] === 'Portfolio Share Account Failed');
    const completion = stack.emitted.find((e) => e['detail-type'] === 'Portfolio Share Completed')?.detail as { status: string; polls: number };
    const execution = [...stack.stepFunctions.executions.values()].find((e) => e.name === 'fan-out')!;
    const accountEventCalls = stack.server.calls.filter(
      (c) => c.operation === 'PutEvents' && (c.input.Entries as Array<{ DetailType?: string }>).some((e) => e.DetailType === 'Portfolio Share Account Failed'),
    );
    return {
      accountEvents: accountEvents.length,
      distinctAccounts: new Set(accountEvents.map((e) => (e.detail as { accountId: string }).accountId)).size,
      accountEventPutEventsCalls: accountEventCalls.length,
      largestStatePayloadBytes: execution.maxPayloadBytes,
      historyEvents: execution.history.length,
      polls: completion?.polls ?? -1,
      status: completion?.status ?? 'none',
      wallSeconds,
      peakRssMiB: peakRss / 1024 / 1024,
    };
  } finally {
    clearInterval(sampler);
    await stack.stop();
  }
}

if (require.main === module) {
  void measureFanOut().then((f) => {
    const rows: Array<[string, string, string]> = [
      ['completion status', f.status, 'PARTIALLY_SUCCEEDED'],
      ['failed-account events', String(f.accountEvents), `= ${FAN_OUT.failed}`],
      ['distinct accounts announced', String(f.distinctAccounts), `= ${FAN_OUT.failed}`],
      ['PutEvents calls for them', String(f.accountEventPutEventsCalls), '≤ 300'],
      ['largest state payload', `${f.largestStatePayloadBytes} B`, '< 65536 B'],
      ['execution history events', String(f.historyEvents), '< 25000'],
      ['status polls', String(f.polls), ''],
      ['wall time', `${f.wallSeconds.toFixed(2)} s`, '< 30 s'],
      ['peak RSS', `${f.peakRssMiB.toFixed(0)} MiB`, '< 512 MiB'],
    ];
    const ok = [
      f.status === 'PARTIALLY_SUCCEEDED',
      f.accountEvents === FAN_OUT.failed,
      f.distinctAccounts === FAN_OUT.failed,
      f.accountEventPutEventsCalls <= 300,
      f.largestStatePayloadBytes < 65536,
      f.historyEvents < 25000,
      true,
      f.wallSeconds < 30,
      f.peakRssMiB < 512,
    ];
    console.log(`Fan-out: ${FAN_OUT.accounts} accounts in ${FAN_OUT.ou}, ${FAN_OUT.failed} failing\n`);
    console.log(`${'measure'.padEnd(30)}${'value'.padStart(22)}   ${'target'.padEnd(22)}result`);
    rows.forEach(([name, value, target], i) => console.log(`${name.padEnd(30)}${value.padStart(22)}   ${target.padEnd(22)}${target ? (ok[i] ? 'pass' : 'FAIL') : ''}`));
    process.exitCode = ok.every(Boolean) ? 0 : 1;
  });
}
