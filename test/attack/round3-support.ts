/**
 * Helpers for the round-3 attack files (execution roles, leftovers, ClientToken reuse, where to deploy, hints).
 * Not a test file.
 */
import type { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { T0, callsTo, completions, rejections, startStack } from '../support/stack';

export { T0, callsTo, completions, rejections, startStack };

export const ACCOUNT = '000000000000';
export const DEFAULT_ROLE = 'shepherd-cloudcontrol-default';
export const roleArn = (name: string, account = ACCOUNT, partition = 'aws') => `arn:${partition}:iam::${account}:role/${name}`;

export const RO = 'Resource Operation Requested';
export const CANCEL = 'Resource Operation Cancel Requested';

/** A world with one type, `Test::Thing::Widget`, named by `Name`, merged over `behaviour`. */
export function widgetWorld(behaviour: Record<string, unknown> = {}, extra: Partial<WorldInput> = {}): WorldInput {
  return {
    ...extra,
    cloudControl: {
      ...(extra.cloudControl ?? {}),
      resourceTypes: {
        'Test::Thing::Widget': { primaryIdentifier: 'Name', pendingSeconds: 1, durationSeconds: 10, retryAfterSeconds: 5, ...behaviour },
        ...(extra.cloudControl?.resourceTypes ?? {}),
      },
    },
  } as WorldInput;
}

export const WIDGET = 'Test::Thing::Widget';

export const create = (requestId: string, name: string | undefined, more: Record<string, unknown> = {}) => ({
  requestId,
  operation: 'CREATE',
  typeName: WIDGET,
  desiredState: name === undefined ? { Size: 1 } : { Name: name, Size: 1 },
  ...more,
});

export const update = (requestId: string, identifier: string, patchDocument: unknown[], more: Record<string, unknown> = {}) => ({
  requestId, operation: 'UPDATE', typeName: WIDGET, identifier, patchDocument, ...more,
});

export const del = (requestId: string, identifier: string, more: Record<string, unknown> = {}) => ({
  requestId, operation: 'DELETE', typeName: WIDGET, identifier, ...more,
});

export function entry(detail: Record<string, unknown>, detailType = RO, source = 'platform.provisioning') {
  return { Source: source, DetailType: detailType, Detail: JSON.stringify(detail) };
}

/** Sends the details (no settle), ten per PutEvents call. */
export async function send(stack: LocalStack, ...details: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < details.length; i += 10) {
    const response = await stack.putEvents(details.slice(i, i + 10).map((d) => entry(d)));
    expect(response.FailedEntryCount).toBe(0);
  }
}

/** Sends at a virtual time offset, as part of the run. */
export function sendAt(stack: LocalStack, seconds: number, detail: Record<string, unknown>, detailType = RO): void {
  stack.clock.setTimeout(() => void stack.clock.track(async () => void (await stack.putEvents([entry(detail, detailType)]))), seconds * 1000);
}

/** Completions by requestId (all of them: a test asserts there is exactly one). */
export function completionsFor(stack: LocalStack, requestId: string) {
  return completions(stack).filter((c) => c.requestId === requestId);
}

/** Every terminal event (completion or owned rejection) of a requestId, any kind. */
export function terminalsFor(stack: LocalStack, requestId: string) {
  const kinds = ['Resource Operation Completed', 'Portfolio Share Completed', 'Organizations Access Changed', 'Request Rejected'];
  return stack.emitted.filter((e) => kinds.includes(e['detail-type']) && (e.detail as any)?.requestId === requestId).map((e) => ({ kind: e['detail-type'], ...(e.detail as any) }));
}

/** The request's one terminal event, which must be its Resource Operation Completed. */
export function onlyCompletionOf(stack: LocalStack, requestId: string) {
  const all = terminalsFor(stack, requestId);
  expect(all).toHaveLength(1);
  expect(all[0]!.kind).toBe('Resource Operation Completed');
  return all[0]!;
}

/** Cloud Control submissions (the emulator's operations), optionally of one type/identifier. */
export function submissions(stack: LocalStack, identifier?: string) {
  return stack.cloudControl.submissions.filter((s) => identifier === undefined || s.identifier === identifier);
}

export function widgets(stack: LocalStack): Map<string, Record<string, unknown>> {
  return stack.cloudControl.resources.get(WIDGET) ?? new Map();
}

/** The distinct ClientTokens Shepherd sent in Create/Update/DeleteResource calls. */
export function clientTokensSent(stack: LocalStack): string[] {
  return [...new Set(stack.server.calls.filter((c) => /^(Create|Update|Delete)Resource$/.test(c.operation)).map((c) => String(c.input.ClientToken)))];
}

/** Seconds between consecutive GetResourceRequestStatus calls per RequestToken. */
export function pollGaps(stack: LocalStack): number[] {
  const byToken = new Map<string, number[]>();
  for (const c of callsTo(stack, 'GetResourceRequestStatus')) {
    const t = String(c.input.RequestToken);
    byToken.set(t, [...(byToken.get(t) ?? []), c.at.getTime()]);
  }
  const gaps: number[] = [];
  for (const times of byToken.values()) for (let i = 1; i < times.length; i++) gaps.push((times[i]! - times[i - 1]!) / 1000);
  return gaps;
}
