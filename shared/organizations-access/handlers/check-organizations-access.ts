import { dynamoLedger } from '../../runtime/dynamo-ledger';
import { serviceCatalog } from '../../runtime/clients/service-catalog';
import { dynamodb } from '../../runtime/clients/dynamodb';
import { defineHandler } from '../../runtime/lambda';
import { checkAccessStatus } from '../change';
import type { AccessWorkflowState } from '../model';

/** Task `Check Access Status`: one GetAWSOrganizationsAccessStatus (and the ledger, when access settled the other way). */
export const { handler, build, clients } = defineHandler((state: AccessWorkflowState, ports) => checkAccessStatus(state, ports), { clients: { serviceCatalog, dynamodb }, ledger: dynamoLedger });
