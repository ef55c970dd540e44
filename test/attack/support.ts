/**
 * Helpers for the attack suite (issue 11). Not a test file.
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';

export const PRODUCER = 'arn:aws:iam::000000000000:role/platform-automation';
export const OTHER_PRODUCER = 'arn:aws:iam::000000000000:role/platform-catalog-bot';
export const INTRUDER = 'arn:aws:iam::000000000000:role/intruder';
export const FOREIGN = 'arn:aws:iam::111122223333:role/platform-automation';

export const PORTFOLIO = 'port-2abcdext3y5fk';
export const PP = 'pp-teamavpc00001';
export const PMA = 'pma-exampleemea01';

export function baseWorld(extra: Partial<WorldInput> = {}): WorldInput {
  return {
    clock: { start: '2026-11-25T09:00:00Z', speed: 'max' },
    cloudControl: {
      resourceTypes: {
        '*': { durationSeconds: 10 },
        'AWS::Logs::LogGroup': { durationSeconds: 10, primaryIdentifier: 'LogGroupName', existing: { '/audit': { LogGroupName: '/audit', RetentionInDays: 7 } } },
      },
    },
    serviceCatalog: {
      portfolios: [PORTFOLIO],
      organization: { id: 'o-exampleorg1', accounts: ['444455556666'], units: [{ id: 'ou-wk01-workloads', accounts: ['123456789012'] }] },
      provisionedProducts: { [PP]: { owner: 'arn:aws:iam::000000000000:user/alice', launchRole: 'arn:aws:iam::000000000000:role/servicecatalog-launch-old' } },
    },
    partnerCentral: { programManagementAccounts: [{ catalog: 'AWS', id: PMA, displayName: 'Example', revision: '4' }] },
    ...extra,
  } as WorldInput;
}

export async function start(options: { stage?: string; world?: Partial<WorldInput> } = {}): Promise<LocalStack> {
  return LocalStack.start({ world: baseWorld(options.world), environment: options.stage ? { STAGE: options.stage } : {} });
}

export function entry(source: string, detailType: string, detail: unknown): PutEventsRequestEntry {
  return { Source: source, DetailType: detailType, Detail: typeof detail === 'string' ? detail : JSON.stringify(detail) };
}

export const RO = 'Resource Operation Requested';
export const CANCEL = 'Resource Operation Cancel Requested';
export const SHARE = 'Portfolio Share Requested';
export const ORG = 'Organizations Access Change Requested';
export const PPU = 'Provisioned Product Properties Update Requested';
export const PMAU = 'Program Management Account Update Requested';

export const TERMINALS = [
  'Resource Operation Completed',
  'Portfolio Share Completed',
  'Organizations Access Changed',
  'Provisioned Product Properties Updated',
  'Program Management Account Updated',
  'Request Rejected',
];

export function emitted(stack: LocalStack, detailType: string): Array<Record<string, any>> {
  return stack.emitted.filter((e) => e['detail-type'] === detailType).map((e) => e.detail as Record<string, any>);
}

export function rejections(stack: LocalStack) {
  return emitted(stack, 'Request Rejected');
}

/** Terminal events (any kind) that carry this requestId as theirs. */
export function terminalsFor(stack: LocalStack, requestId: string): Array<Record<string, any>> {
  return stack.emitted
    .filter((e) => TERMINALS.includes(e['detail-type']) && (e.detail as any)?.requestId === requestId)
    .map((e) => ({ ...(e.detail as Record<string, any>), kind: e['detail-type'] }));
}

/** Calls Shepherd made (and the harness made) by "Service.Operation". */
export function callNames(stack: LocalStack): string[] {
  return stack.server.calls.map((c) => `${c.service}.${c.operation}`);
}

/** Calls other than EventBridge PutEvents and DynamoDB. */
export function forbiddenCalls(stack: LocalStack): string[] {
  return callNames(stack).filter((n) => n !== 'AWSEvents.PutEvents' && !n.startsWith('DynamoDB_20120810.'));
}

export function polluted(): string[] {
  const probe = {} as Record<string, unknown>;
  const found: string[] = [];
  for (const key of ['polluted', 'x', 'isAdmin', 'pwned']) if (probe[key] !== undefined) found.push(key);
  found.push(...Object.getOwnPropertyNames(Object.prototype).filter((k) => !BASE_OBJECT_PROTO.includes(k)));
  found.push(...Object.getOwnPropertyNames(Array.prototype).filter((k) => !BASE_ARRAY_PROTO.includes(k)).map((k) => `Array.${k}`));
  return found;
}
const BASE_OBJECT_PROTO = Object.getOwnPropertyNames(Object.prototype);
const BASE_ARRAY_PROTO = Object.getOwnPropertyNames(Array.prototype);

/** Runs `fn` (e.g. a putEvents) this many virtual seconds from now, as part of the run (settle waits for it). */
export function at(stack: LocalStack, seconds: number, fn: () => Promise<unknown>): void {
  stack.clock.setTimeout(() => void stack.clock.track(async () => void (await fn())), seconds * 1000);
}
