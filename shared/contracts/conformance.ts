/**
 * Whether events Shepherd published fit their contracts: each looked up by
 * its detail-type among the emitted contracts, its detail parsed with that
 * contract's schema. Publishing never parses (an event, a terminal one above
 * all, is not held back over a mismatch): the tests run this over every event
 * the workflows emit (test/workflow/emitted-events.test.ts, test/faults).
 */
import { fieldPath } from './validate';
import { contracts, type EventContract } from './events';

/** The emitted contracts, by detail-type. */
export const EMITTED_CONTRACTS: ReadonlyMap<string, EventContract> = new Map(
  Object.values(contracts as Record<string, EventContract>)
    .filter((c) => c.direction === 'emitted')
    .map((c) => [c.detailType, c]),
);

export interface PublishedEvent {
  'detail-type': string;
  detail: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Fields the detail carries that the schema's output does not: keys the
 * contract does not name (zod's z.object drops them silently, so a
 * misspelt optional field would otherwise pass).
 */
function undeclaredFields(sent: unknown, parsed: unknown, path: PropertyKey[] = []): string[] {
  if (Array.isArray(sent) && Array.isArray(parsed)) return sent.flatMap((item, i) => undeclaredFields(item, parsed[i], [...path, i]));
  if (!isObject(sent) || !isObject(parsed)) return [];
  return Object.keys(sent).flatMap((key) =>
    key in parsed ? undeclaredFields(sent[key], parsed[key], [...path, key]) : [`${fieldPath([...path, key])}: not in the contract`],
  );
}

/** What does not fit, one line per problem (none when the event fits). */
export function contractViolation(event: PublishedEvent): string[] {
  const detailType = event['detail-type'];
  const contract = EMITTED_CONTRACTS.get(detailType);
  const requestId = isObject(event.detail) && typeof event.detail.requestId === 'string' ? ` (${event.detail.requestId})` : '';
  if (!contract) return [`"${detailType}"${requestId}: no emitted contract has this detail-type`];
  const result = contract.detail.safeParse(event.detail);
  const problems = result.success
    ? undeclaredFields(event.detail, result.data)
    : result.error.issues.map((issue) => `${fieldPath(issue.path) || '(detail)'}: ${issue.message}`);
  return problems.map((problem) => `${detailType}${requestId} ${problem}`);
}

/** Every problem of every event that does not fit its contract: empty when all fit. */
export function contractViolations(events: readonly PublishedEvent[]): string[] {
  return events.flatMap(contractViolation);
}
