import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { z } from 'zod';
import type { EventContract, FieldError } from '../contracts/events';
import { guardrailsFor, type Guardrails } from '../guardrails';
import { validateDetail } from '../contracts/validate';
import { claimedRequestId, rejectRequest, type IncomingEvent } from '../events/reject';
import { stableStringify } from '../json';
import { required } from '../runtime/config';
import { asTransient } from '../runtime/errors';
import type { Ports } from '../runtime/ports';

/** Omit that keeps a discriminated union a union. */
export type RequestBody<T> = T extends unknown ? Omit<T, 'requestId'> : never;

/** What ingest starts every execution with: the validated request, without its id (it lives beside it). */
export interface WorkflowInput<R> {
  requestId: string;
  eventId: string;
  requestedAt: string;
  request: R;
}

export type IngestResult =
  | { outcome: 'STARTED'; requestId: string; executionArn: string }
  | { outcome: 'DUPLICATE'; requestId: string; executionArn: string }
  | { outcome: 'REJECTED'; requestId: string; reason: string };

export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Turns a request event into exactly one execution of the configured state
 * machine, named by the requestId. A redelivered event or a resend of the
 * same request finds the execution already there and starts nothing; a
 * different request reusing the id is rejected rather than silently merged.
 * Bad input is rejected with one event naming each field; nothing starts.
 */
export async function ingestRequest<S extends z.ZodType<{ requestId?: string }>>(
  contract: EventContract<S>,
  event: IncomingEvent,
  ports: Ports,
  /** The stage's allowlists for this kind of request: what is refused is refused here, before any AWS call. */
  authorize?: (request: RequestBody<z.infer<S>>, guardrails: Guardrails) => FieldError[],
): Promise<IngestResult> {
  const reject = async (reason: string, errors: Parameters<typeof rejectRequest>[2], requestId = claimedRequestId(event)) => {
    await rejectRequest(event, reason, errors, requestId, ports);
    return { outcome: 'REJECTED' as const, requestId, reason };
  };
  if (event['detail-type'] !== contract.detailType) {
    return reject(`expected detail-type "${contract.detailType}"`, [{ field: 'detail-type', code: 'invalid_value', message: `must be "${contract.detailType}"` }]);
  }
  const validation = validateDetail(contract.detail, event.detail);
  if (!validation.ok) return reject('the request detail is invalid', validation.errors);

  const { requestId: explicitId, ...request } = validation.value as { requestId?: string } & Record<string, unknown>;
  const requestId = explicitId ?? event.id;
  const refused = authorize?.(request as RequestBody<z.infer<S>>, guardrailsFor(ports.config.stage)) ?? [];
  if (refused.length > 0) return reject('the request is outside what this stage allows', refused, requestId);
  const input: WorkflowInput<typeof request> = { requestId, eventId: event.id, requestedAt: new Date(event.time).toISOString(), request };
  const stateMachineArn = required(ports.config.stateMachineArn, 'STATE_MACHINE_ARN');
  const executionArn = executionArnFor(stateMachineArn, requestId);
  try {
    await ports.sfn.send(new StartExecutionCommand({ stateMachineArn, name: requestId, input: JSON.stringify(input) }));
    ports.logger.info('Execution started', { executionArn, detailType: contract.detailType, operation: request.operation });
    return { outcome: 'STARTED', requestId, executionArn };
  } catch (error) {
    if ((error as Error).name !== 'ExecutionAlreadyExists') throw asTransient(error);
  }
  // The name is taken: the same request again (a duplicate), or another request reusing the id.
  const existing = await ports.sfn.send(new DescribeExecutionCommand({ executionArn }));
  const existingRequest = (JSON.parse(existing.input ?? '{}') as Partial<WorkflowInput<unknown>>).request;
  if (stableStringify(existingRequest) === stableStringify(request)) {
    ports.logger.info('Duplicate request ignored', { executionArn, status: existing.status });
    return { outcome: 'DUPLICATE', requestId, executionArn };
  }
  return reject(`requestId "${requestId}" is already used by a different request`, [
    { field: 'requestId', code: 'conflict', message: 'already names a different request; use a new requestId' },
  ], requestId);
}
