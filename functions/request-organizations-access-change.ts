import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { serviceCatalog } from '../shared/runtime/clients/service-catalog';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { defineHandler } from '../shared/runtime/lambda';
import { requestAccessChange } from '../shared/organizations-access/change';
import type { AccessWorkflowState } from '../shared/organizations-access/model';

/** Task `Request Access Change`: Enable/DisableAWSOrganizationsAccess. */
export const { handler, build, clients } = defineHandler((state: AccessWorkflowState, ports) => requestAccessChange(state, ports), { clients: { serviceCatalog, dynamodb }, ledger: dynamoLedger });
