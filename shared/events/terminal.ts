import type { Uses } from '../runtime/ports';
import type { WorkflowName } from '../workflow/names';
import type { DetailOf, TerminalEventContract } from '../contracts/contract';
import { outgoing, publishEvents } from './publish';

export type { WorkflowName };

/** The ledger key that makes a request's terminal event go out once, whoever sends it: the workflow or the rescue. */
export function terminalKey(workflow: WorkflowName, requestId: string): string {
  return `terminal#${workflow}#${requestId}`;
}

/**
 * Publishes a request's one terminal event. A retried emit step, a rescue
 * after the execution failed, and the sweep all go through the ledger, so
 * only the first of them publishes; the others get its event id.
 *
 * The event is the terminal `contract`'s, and its detail must fit that
 * contract (a type error otherwise; never parsed here: a terminal event is
 * not held back over a schema mismatch).
 */
export async function emitTerminalEvent<C extends TerminalEventContract>(
  terminal: { workflow: WorkflowName; requestId: string; contract: C; detail: NoInfer<DetailOf<C>> },
  ports: Uses<'eventBridge'>,
): Promise<{ eventId: string; firstTime: boolean }> {
  const { value, firstTime } = await ports.ledger.once(terminalKey(terminal.workflow, terminal.requestId), async () => {
    const { eventIds } = await publishEvents([outgoing(terminal.contract, terminal.detail)], ports);
    return eventIds[0] ?? '';
  });
  if (!firstTime) ports.logger.info('Terminal event already emitted', { eventId: value });
  return { eventId: value, firstTime };
}
