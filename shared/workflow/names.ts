/**
 * How a workflow's state machine is named (`<service>-<stage>-<workflow>`,
 * config/workflows.js) and found among the ARNs a function is configured with.
 * The workflows themselves are registered in shared/workflows.ts; this file
 * does not import them, so the workflows' own code can use it.
 */
import { required } from '../runtime/config';

/** A registered workflow's name (shared/workflows.ts), as its state machine's name ends. */
export type WorkflowName = string;

/**
 * The workflow a state machine runs, from its name (`<service>-<stage>-<workflow>`): the longest of the given
 * workflow names it ends with, so no workflow is taken for another whose name ends its own.
 */
export function workflowOf(stateMachineArn: string, workflowNames: readonly string[]): WorkflowName | undefined {
  const name = stateMachineArn.split(':').pop() ?? '';
  return workflowNames.filter((workflow) => name.endsWith(`-${workflow}`)).sort((x, y) => y.length - x.length)[0];
}

/** The state machine of a workflow among the configured ones (STATE_MACHINE_ARNS): the one whose name is `…-<workflow>`. */
export function stateMachineArnFor(workflow: WorkflowName, stateMachineArns: string[]): string {
  // Shepherd's state machines are `<service>-<stage>-<workflow>`: the name without the service and stage is the workflow.
  const matches = stateMachineArns.filter((arn) => (arn.split(':').pop() ?? '').endsWith(`-${workflow}`));
  // The shortest match: `…-share` must not be taken for `…-portfolio-share` (no two workflows share a name, so the
  // exact one is the shortest).
  const arn = matches.sort((x, y) => x.length - y.length)[0];
  return required(arn ?? '', `STATE_MACHINE_ARNS (the ${workflow} state machine)`);
}

export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
