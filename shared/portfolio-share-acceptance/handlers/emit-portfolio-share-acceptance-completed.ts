import { dynamoLedger } from '../../runtime/dynamo-ledger';
import { eventBridge } from '../../runtime/clients/event-bridge';
import { dynamodb } from '../../runtime/clients/dynamodb';
import { defineHandler } from '../../runtime/lambda';
import { emitAcceptanceCompleted, type AcceptanceState } from '../acceptance';

/** Task `Emit Acceptance Completed Event`: the request's one terminal event. */
export const { handler, build, clients } = defineHandler((state: AcceptanceState, ports) => emitAcceptanceCompleted(state, ports), { clients: { eventBridge, dynamodb }, ledger: dynamoLedger });
