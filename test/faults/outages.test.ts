/**
 * The fault suite, part one: outages of StartExecution, DynamoDB, PutEvents
 * and Lambda itself, of ten minutes and of two hours, and an 80 % throttling
 * storm on every API. 60 mixed requests of every kind (and refused ones),
 * delivered over the first half hour, on three seeds: every request ends
 * with exactly one terminal event with the status it should have, every
 * refused event with one rejection, nothing is done twice. Prints its table.
 */
import type { WorldInput } from '../../local/emulators/world';
import { HOUR, KEPT, SEEDS, baseWorld, deliveriesOf, formatTable, mixedRequests, promisesOf, runDeliveries, type Run, type ScenarioResult } from './harness';

jest.setTimeout(600_000);

const results: ScenarioResult[] = [];
afterAll(() => console.log(formatTable('Fault suite: outages and storms (npm test; three seeds each)', results)));

const dynamodbDown = (seconds: number) =>
  ['GetItem', 'PutItem', 'DeleteItem'].map((operation) => ({ operation, error: 'InternalServerError', status: 500, untilSeconds: seconds }));

const SCENARIOS: Array<[string, WorldInput]> = [
  ['StartExecution down 10 min', { faults: [{ operation: 'StartExecution', error: 'ServiceUnavailable', status: 503, untilSeconds: 600 }] }],
  ['StartExecution down 2 h', { faults: [{ operation: 'StartExecution', error: 'ServiceUnavailable', status: 503, untilSeconds: 2 * HOUR }] }],
  ['DynamoDB down 10 min', { faults: dynamodbDown(600) }],
  ['DynamoDB down 2 h', { faults: dynamodbDown(2 * HOUR) }],
  ['PutEvents down 10 min', { faults: [{ operation: 'PutEvents', error: 'InternalFailure', status: 500, untilSeconds: 600 }] }],
  ['PutEvents down 2 h', { faults: [{ operation: 'PutEvents', error: 'InternalFailure', status: 500, untilSeconds: 2 * HOUR }] }],
  ['Lambda invoke down 10 min', { lambdaFaults: [{ function: '*', fault: 'unavailable', untilSeconds: 600 }] }],
  ['Lambda invoke down 2 h', { lambdaFaults: [{ function: '*', fault: 'unavailable', untilSeconds: 2 * HOUR }] }],
  ['80 % of every API throttled 15 min', { faults: [{ operation: '*', error: 'ThrottlingException', status: 400, rate: 0.8, untilSeconds: 900 }] }],
  ['every API 500 for 1 min, then 20 % 503 for 10', { faults: [{ operation: '*', error: 'InternalFailure', status: 500, untilSeconds: 60 }, { operation: '*', error: 'ServiceUnavailable', status: 503, untilSeconds: 660, rate: 0.2 }] }],
  ['EventBridge refuses 300 entries (partial failures)', { eventBridge: { failEntries: { times: 300 } } }],
];

it.each(SCENARIOS)('%s: every request ends once, as it should, on three seeds', async (name, faults) => {
  const requests = mixedRequests(60, 'o');
  const runs: Run[] = [];
  for (const seed of SEEDS) {
    runs.push(await runDeliveries({ ...baseWorld(60, seed), ...faults }, deliveriesOf(requests, seed, { copies: 1, spreadSeconds: 1800 })));
  }
  results.push({ name, runs });
  for (const run of runs) {
    expect({ seed: SEEDS[runs.indexOf(run)], ...promisesOf(run.outcome), problems: run.problems.slice(0, 5) }).toEqual({ seed: SEEDS[runs.indexOf(run)], ...KEPT, problems: [] });
    expect(run.outcome).toEqual(runs[0]!.outcome);
    expect(run.faults).toBeGreaterThan(0);
    expect(run.deadLetters).toBe(0);
  }
});
