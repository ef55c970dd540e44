/**
 * The workflows, by the names their state machines carry
 * (`<service>-<stage>-<workflow>`, serverless.yml), and how to find a
 * workflow's state machine among the ARNs a function is configured with.
 */
import { required } from '../runtime/config';

export const WORKFLOW_NAMES = [
  'resource-operation',
  'portfolio-share',
  'organizations-access',
  'provisioned-product-properties',
  'program-management-account',
] as const;
export type WorkflowName = (typeof WORKFLOW_NAMES)[number];

/** The workflow a state machine runs, from its name. */
export function workflowOf(stateMachineArn: string): WorkflowName | undefined {
  const name = stateMachineArn.split(':').pop() ?? '';
  return WORKFLOW_NAMES.find((workflow) => name.endsWith(`-${workflow}`));
}

/** The state machine of a workflow among the configured ones (STATE_MACHINE_ARNS). */
export function stateMachineArnFor(workflow: WorkflowName, stateMachineArns: string[]): string {
  return required(stateMachineArns.find((arn) => workflowOf(arn) === workflow) ?? '', `STATE_MACHINE_ARNS (the ${workflow} state machine)`);
}

export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
