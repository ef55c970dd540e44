import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { eventBridge } from '../shared/runtime/clients/event-bridge';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { defineHandler } from '../shared/runtime/lambda';
import { emitResourceOperationCompleted } from '../shared/resource-operation/completion';
import type { WorkflowState } from '../shared/resource-operation/model';

/** Task `Emit Completion Event`: the request's one terminal event. */
export const { handler, build, clients } = defineHandler((state: WorkflowState, ports) => emitResourceOperationCompleted(state, ports), { clients: { eventBridge, dynamodb }, ledger: dynamoLedger });
