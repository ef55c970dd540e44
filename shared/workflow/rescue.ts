/**
 * The terminal-event rescue: every accepted request ends in exactly one
 * terminal event, even when its execution did not get to send it — it timed
 * out, was stopped, failed outside any Catch, or kept failing to publish.
 *
 * Two things call it: a rule on Step Functions' "Execution Status Change"
 * events (fast, but best-effort), and a scheduled sweep over recently closed
 * executions (slow, but certain). Both go through the ledger, as the
 * workflows' own emit steps do, so whoever comes first sends the event and
 * the others find it sent.
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, type ExecutionStatus } from '@aws-sdk/client-sfn';
import { emitTerminalEvent, terminalKey } from '../events/terminal';
import { TransientServiceError, asTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { WORKFLOWS } from '../workflows';
import type { WorkflowInput } from './ingest';
import type { TerminalContract } from './module';
import { workflowOf, type WorkflowName } from './names';

/**
 * Each workflow's terminal event, and where its outcome is known, from its
 * declaration (exported for the test that checks the state names).
 */
export const TERMINALS: Readonly<Record<WorkflowName, TerminalContract>> = Object.fromEntries(WORKFLOWS.map((workflow) => [workflow.name, workflow.terminal]));

/** The registered workflows' names, which their state machines' names end with. */
const WORKFLOW_NAMES: readonly string[] = WORKFLOWS.map((workflow) => workflow.name);

const CLOSED_WITHOUT_SUCCESS: ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];
/** The longest a workflow runs (every workflow's TimeoutSeconds; test/workflow/asl.test.ts holds them to it). */
export const MAX_EXECUTION_SECONDS = 93_600;

/** The latest whole state the execution recorded (a state's input or output), and the state it was last in. */
async function lastRecordedState(executionArn: string, ports: Uses<'sfn'>): Promise<{ state: Record<string, unknown>; stateName?: string; entered: boolean } | undefined> {
  let nextToken: string | undefined;
  for (let page = 0; page < 5; page++) {
    const history = await ports.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 100, nextToken }));
    for (const event of history.events ?? []) {
      const exited = event.stateExitedEventDetails;
      const entered = event.stateEnteredEventDetails;
      if (exited?.output) return { state: JSON.parse(exited.output) as Record<string, unknown>, stateName: exited.name, entered: false };
      if (entered?.input) return { state: JSON.parse(entered.input) as Record<string, unknown>, stateName: entered.name, entered: true };
    }
    nextToken = history.nextToken;
    if (!nextToken) break;
  }
  return undefined;
}

export type RescueOutcome = 'NOT_NEEDED' | 'ALREADY_EMITTED' | 'RESCUED' | 'NOT_OURS';

/** Emits the terminal event of a closed execution unless someone already did. */
export async function rescueTerminalEvent(executionArn: string, ports: Uses<'eventBridge' | 'sfn'>): Promise<RescueOutcome> {
  try {
    const execution = await ports.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (!execution.status || !CLOSED_WITHOUT_SUCCESS.includes(execution.status)) return 'NOT_NEEDED';
    const workflow = workflowOf(execution.stateMachineArn ?? '', WORKFLOW_NAMES);
    if (!workflow) return 'NOT_OURS';
    const input = JSON.parse(execution.input ?? '{}') as WorkflowInput<unknown>;
    if ((await ports.ledger.lookup(terminalKey(workflow, input.requestId))).done) return 'ALREADY_EMITTED';

    const recorded = await lastRecordedState(executionArn, ports);
    // Every emit step writes its result at $.completion: an execution that got past it sent its event,
    // whether or not the ledger could record it (a DynamoDB outage at that moment).
    if (typeof (recorded?.state.completion as { eventId?: unknown } | undefined)?.eventId === 'string') return 'ALREADY_EMITTED';
    const state: Record<string, unknown> = { ...recorded?.state, requestId: input.requestId, eventId: input.eventId, requestedAt: input.requestedAt, request: input.request };
    const contract = TERMINALS[workflow]!;
    const failure = {
      Error: execution.error ?? (execution.status === 'TIMED_OUT' ? 'States.Timeout' : 'ExecutionAborted'),
      Cause: execution.cause ?? `the execution ended ${execution.status} before sending its terminal event`,
    };
    // Ended where the outcome was already known (announcing, emitting): send what the workflow meant to send.
    // Otherwise the execution's own error is the failure.
    const endedIn = recorded?.entered ? recorded.stateName : undefined;
    const outcomeKnown = execution.error === 'CompletionEventNotDelivered' || (endedIn !== undefined && endedIn in contract.outcomeKnownIn);
    if (!outcomeKnown) state.failure = failure;
    else if (endedIn !== undefined && contract.outcomeKnownIn[endedIn]) state[contract.outcomeKnownIn[endedIn]!] = failure;
    const detail = contract.detail(state as never, ports.clock.now());
    if (!outcomeKnown && execution.status === 'TIMED_OUT' && contract.hasTimedOut) detail.status = 'TIMED_OUT';
    if (!outcomeKnown && execution.status === 'ABORTED') detail.status = contract.abortedStatus;
    const { firstTime } = await emitTerminalEvent({ workflow, requestId: input.requestId, contract: contract.contract, detail }, ports);
    ports.logger.warn('Terminal event rescued', { executionArn, status: execution.status, error: execution.error, emitted: firstTime });
    return firstTime ? 'RESCUED' : 'ALREADY_EMITTED';
  } catch (error) {
    throw asTransient(error);
  }
}

/**
 * The sweep: executions of Shepherd's state machines that closed without
 * success since `lookbackSeconds` ago, each rescued unless its terminal
 * event went out. Step Functions' status-change events are best-effort;
 * this is what makes "exactly one terminal event" hold when one is lost.
 * One execution (or one state machine's listing) that cannot be checked
 * now does not stop the others; the run then fails, so its schedule counts
 * it failed, and the next run — fifteen minutes on — tries again.
 */
export async function sweepClosedExecutions(
  stateMachineArns: string[],
  lookbackSeconds: number,
  ports: Uses<'eventBridge' | 'sfn'>,
): Promise<{ checked: number; rescued: number }> {
  // Executions that closed within the window, by their stop date: the sweep keeps trying to rescue one for that
  // long after it ended. Listed newest start first, so the listing goes back as far again as an execution runs.
  const since = ports.clock.now().getTime() - lookbackSeconds * 1000;
  const listedSince = since - MAX_EXECUTION_SECONDS * 1000;
  let checked = 0;
  let rescued = 0;
  const failures: string[] = [];
  for (const stateMachineArn of stateMachineArns) {
    for (const statusFilter of CLOSED_WITHOUT_SUCCESS) {
      let nextToken: string | undefined;
      let recent = true;
      while (recent) {
        let page;
        try {
          page = await ports.sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter, maxResults: 100, nextToken }));
        } catch (error) {
          failures.push(`listing ${statusFilter} executions: ${(error as Error).name}`);
          break;
        }
        for (const execution of page.executions ?? []) {
          // Newest first: once executions started before any could have closed in the window, the rest are older still.
          if ((execution.startDate?.getTime() ?? 0) < listedSince) {
            recent = false;
            break;
          }
          if ((execution.stopDate?.getTime() ?? Number.POSITIVE_INFINITY) < since) continue;
          checked++;
          try {
            if ((await rescueTerminalEvent(execution.executionArn!, ports)) === 'RESCUED') rescued++;
          } catch (error) {
            failures.push(`${execution.name}: ${(error as Error).name}`);
          }
        }
        nextToken = page.nextToken;
        if (!nextToken) break;
      }
    }
  }
  ports.logger.info('Sweep finished', { checked, rescued, failed: failures.length });
  if (failures.length > 0) {
    throw new TransientServiceError(`${failures.length} of the sweep's checks failed and will be tried again: ${failures.slice(0, 5).join('; ')}`);
  }
  return { checked, rescued };
}
