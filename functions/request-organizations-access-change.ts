import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { requestAccessChange } from '../shared/organizations-access/change';
import type { AccessWorkflowState } from '../shared/organizations-access/model';

/** Task `Request Access Change`: Enable/DisableAWSOrganizationsAccess. */
export const { handler, build } = defineHandler((state: AccessWorkflowState, ports) => requestAccessChange(state, ports), { ledger: dynamoLedger });
