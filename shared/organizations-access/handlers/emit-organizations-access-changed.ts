import { dynamoLedger } from '../../runtime/dynamo-ledger';
import { eventBridge } from '../../runtime/clients/event-bridge';
import { dynamodb } from '../../runtime/clients/dynamodb';
import { defineHandler } from '../../runtime/lambda';
import { emitOrganizationsAccessChanged } from '../completion';
import type { AccessWorkflowState } from '../model';

/** Task `Emit Access Changed Event`: the request's one Organizations Access Changed event. */
export const { handler, build, clients } = defineHandler((state: AccessWorkflowState, ports) => emitOrganizationsAccessChanged(state, ports), { clients: { eventBridge, dynamodb }, ledger: dynamoLedger });
