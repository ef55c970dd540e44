import { dynamoLedger } from '../../runtime/dynamo-ledger';
import { serviceCatalog } from '../../runtime/clients/service-catalog';
import { dynamodb } from '../../runtime/clients/dynamodb';
import { defineHandler } from '../../runtime/lambda';
import { requestAccessChange } from '../change';
import type { AccessWorkflowState } from '../model';

/** Task `Request Access Change`: Enable/DisableAWSOrganizationsAccess. */
export const { handler, build, clients } = defineHandler((state: AccessWorkflowState, ports) => requestAccessChange(state, ports), { clients: { serviceCatalog, dynamodb }, ledger: dynamoLedger });
