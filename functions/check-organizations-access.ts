import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { serviceCatalog } from '../shared/runtime/clients/service-catalog';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { defineHandler } from '../shared/runtime/lambda';
import { checkAccessStatus } from '../shared/organizations-access/change';
import type { AccessWorkflowState } from '../shared/organizations-access/model';

/** Task `Check Access Status`: one GetAWSOrganizationsAccessStatus (and the ledger, when access settled the other way). */
export const { handler, build, clients } = defineHandler((state: AccessWorkflowState, ports) => checkAccessStatus(state, ports), { clients: { serviceCatalog, dynamodb }, ledger: dynamoLedger });
