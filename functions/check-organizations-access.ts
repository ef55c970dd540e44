import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { checkAccessStatus } from '../shared/organizations-access/change';
import type { AccessWorkflowState } from '../shared/organizations-access/model';

/** Task `Check Access Status`: one GetAWSOrganizationsAccessStatus (and the ledger, when access settled the other way). */
export const { handler, build } = defineHandler((state: AccessWorkflowState, ports) => checkAccessStatus(state, ports), { ledger: dynamoLedger });
