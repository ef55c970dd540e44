import { dynamoLedger } from '../../runtime/dynamo-ledger';
import { cloudControl } from '../../runtime/clients/cloud-control';
import { dynamodb } from '../../runtime/clients/dynamodb';
import { defineHandler } from '../../runtime/lambda';
import { startResourceOperation } from '../start';
import type { WorkflowState } from '../model';

/**
 * Task `Submit To Cloud Control`: Create/Update/DeleteResource with a ClientToken derived from the request id.
 * The ledger keeps each attempt's read-back of a failed CREATE, so a retried Task does not read it again.
 */
export const { handler, build, clients } = defineHandler((state: WorkflowState, ports) => startResourceOperation(state, ports), { clients: { cloudControl, dynamodb }, ledger: dynamoLedger });
