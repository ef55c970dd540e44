/**
 * Every workflow Shepherd runs: one registration line each. The serverless
 * configuration (config/workflows.js), the local stack and the tests derive
 * the workflows' functions, roles, state machines and request routing from
 * these declarations (shared/<workflow>/workflow.ts). README "Adding a
 * workflow" says what a new one needs.
 */
import { organizationsAccessWorkflow } from './organizations-access/workflow';
import { portfolioShareWorkflow } from './portfolio-share/workflow';
import { portfolioShareAcceptanceWorkflow } from './portfolio-share-acceptance/workflow';
import { programManagementAccountWorkflow } from './program-management-account/workflow';
import { provisionedProductWorkflow } from './provisioned-product/workflow';
import { resourceOperationCancel, resourceOperationWorkflow } from './resource-operation/workflow';

export const WORKFLOWS = [
  resourceOperationWorkflow,
  portfolioShareWorkflow,
  organizationsAccessWorkflow,
  provisionedProductWorkflow,
  programManagementAccountWorkflow,
  portfolioShareAcceptanceWorkflow,
] as const;

/**
 * The cancel requests, apart from the declarations: only the intake handles them, and a function that reads
 * WORKFLOWS alone (the rescue, the sweep, the redrive) then bundles none of their code.
 */
export const CANCELS = [resourceOperationCancel] as const;

/**
 * Every request detail-type the request rule matches: each workflow's requests, then its cancel (the workflow
 * that owns its contract). A function, not a constant: a module-level value computed from CANCELS would put
 * the cancels' code in every bundle that imports this file.
 */
export function requestDetailTypes(): string[] {
  return WORKFLOWS.flatMap((workflow) => {
    const owned: readonly unknown[] = Object.values(workflow.events);
    return [...workflow.requests, ...CANCELS.filter((cancel) => owned.includes(cancel.contract))].map((request) => request.contract.detailType);
  });
}
