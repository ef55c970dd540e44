import { dynamoLedger } from '../../runtime/dynamo-ledger';
import { eventBridge } from '../../runtime/clients/event-bridge';
import { dynamodb } from '../../runtime/clients/dynamodb';
import { defineHandler } from '../../runtime/lambda';
import { emitResourceOperationCompleted } from '../completion';
import type { WorkflowState } from '../model';

/** Task `Emit Completion Event`: the request's one terminal event. */
export const { handler, build, clients } = defineHandler((state: WorkflowState, ports) => emitResourceOperationCompleted(state, ports), { clients: { eventBridge, dynamodb }, ledger: dynamoLedger });
