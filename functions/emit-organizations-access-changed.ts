import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { eventBridge } from '../shared/runtime/clients/event-bridge';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { defineHandler } from '../shared/runtime/lambda';
import { emitOrganizationsAccessChanged } from '../shared/organizations-access/completion';
import type { AccessWorkflowState } from '../shared/organizations-access/model';

/** Task `Emit Access Changed Event`: the request's one Organizations Access Changed event. */
export const { handler, build, clients } = defineHandler((state: AccessWorkflowState, ports) => emitOrganizationsAccessChanged(state, ports), { clients: { eventBridge, dynamodb }, ledger: dynamoLedger });
