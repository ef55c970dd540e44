/**
 * A share to an OU of 10,000 accounts with 3,000 failures, on the local
 * stack: every failed account announced exactly once, ten to a PutEvents
 * call, with the state small and the history short. `npm run bench:fan-out`
 * prints the same figures.
 */
import { FAN_OUT, measureFanOut } from '../../bench/fan-out';

jest.setTimeout(60_000);

it('announces 3,000 failed accounts of 10,000 in at most 300 PutEvents calls, with a small state and a short history', async () => {
  const figures = await measureFanOut();
  expect(figures).toMatchObject({ status: 'PARTIALLY_SUCCEEDED', accountEvents: FAN_OUT.failed, distinctAccounts: FAN_OUT.failed });
  expect(figures.accountEventPutEventsCalls).toBeLessThanOrEqual(300);
  expect(figures.largestStatePayloadBytes).toBeLessThan(64 * 1024);
  expect(figures.historyEvents).toBeLessThan(25_000);
});

it('still announces each account exactly once when EventBridge refuses some entries', async () => {
  // 60 refusals: the first batch gives up after five tries, and the next invocation resends exactly those ten.
  const figures = await measureFanOut({ eventBridge: { failEntries: { times: 60 } } });
  expect(figures).toMatchObject({ accountEvents: FAN_OUT.failed, distinctAccounts: FAN_OUT.failed });
  expect(figures.largestStatePayloadBytes).toBeLessThan(64 * 1024);
});

it('announces each account exactly once when PutEvents calls fail half-way through pages', async () => {
  // 30 % of calls answer 500 for an hour: about one call in 37 fails all three SDK tries, so pages break off
  // half-way and their invocations are retried; the calls that went out are replayed from the ledger, not resent.
  const figures = await measureFanOut({ faults: [{ operation: 'PutEvents', error: 'InternalFailure', status: 500, rate: 0.3, untilSeconds: 3600 }] });
  expect(figures).toMatchObject({ accountEvents: FAN_OUT.failed, distinctAccounts: FAN_OUT.failed });
});
