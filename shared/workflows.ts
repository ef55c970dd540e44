/**
 * Every workflow Shepherd runs: one registration line each. The serverless
 * configuration (config/workflows.js), the local stack and the tests derive
 * the workflows' functions, roles, state machines and request routing from
 * these declarations (shared/<workflow>/workflow.ts). README "Adding a
 * workflow" says what a new one needs.
 */
import { organizationsAccessDeployment } from './organizations-access/workflow';
import { portfolioShareDeployment } from './portfolio-share/workflow';
import { programManagementAccountDeployment } from './program-management-account/workflow';
import { provisionedProductDeployment } from './provisioned-product/workflow';
import { resourceOperationDeployment } from './resource-operation/workflow';

export const WORKFLOW_DEPLOYMENTS = [
  resourceOperationDeployment,
  portfolioShareDeployment,
  organizationsAccessDeployment,
  provisionedProductDeployment,
  programManagementAccountDeployment,
] as const;
