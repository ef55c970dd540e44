import { defineHandler } from '../shared/runtime/lambda';
import { checkAccessStatus } from '../shared/organizations-access/change';
import type { AccessWorkflowState } from '../shared/organizations-access/model';

/** Task `Check Access Status`: one GetAWSOrganizationsAccessStatus. */
export const { handler, build } = defineHandler((state: AccessWorkflowState, ports) => checkAccessStatus(state, ports));
