import type { EventEnvelope } from '../../local/emulators/event-bridge';
import { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';

export const T0 = new Date('2026-11-25T09:00:00.000Z');

/** A local stack on a world whose clock starts at T0 (merged over `world`). */
export async function startStack(world: WorldInput = {}): Promise<LocalStack> {
  return LocalStack.start({ world: { ...world, clock: { start: T0.toISOString(), speed: 'max', ...world.clock } } });
}

export function requestEntry(detail: Record<string, unknown>, detailType = 'Resource Operation Requested') {
  return { Source: 'platform.provisioning', DetailType: detailType, Detail: JSON.stringify(detail) };
}

/** Publishes requests of one detail-type through PutEvents and waits until every one has run to its end. */
export async function sendRequests(stack: LocalStack, detailType: string, ...details: Array<Record<string, unknown>>): Promise<void> {
  const response = await stack.putEvents(details.map((d) => requestEntry(d, detailType)));
  expect(response.FailedEntryCount).toBe(0);
  await stack.settle();
}

/** Resource Operation Requested events, run to their end. */
export function runRequests(stack: LocalStack, ...details: Array<Record<string, unknown>>): Promise<void> {
  return sendRequests(stack, 'Resource Operation Requested', ...details);
}

export function emittedOfType(stack: LocalStack, detailType: string): EventEnvelope[] {
  return stack.emitted.filter((e) => e['detail-type'] === detailType);
}

export function completions(stack: LocalStack): Array<Record<string, any>> {
  return emittedOfType(stack, 'Resource Operation Completed').map((e) => e.detail as Record<string, any>);
}

export function rejections(stack: LocalStack): Array<Record<string, any>> {
  return emittedOfType(stack, 'Request Rejected').map((e) => e.detail as Record<string, any>);
}

export function callsTo(stack: LocalStack, operation: string) {
  return stack.server.calls.filter((c) => c.operation === operation);
}

export const secondsSinceT0 = (date: Date) => (date.getTime() - T0.getTime()) / 1000;
