import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { eventBridge } from '../shared/runtime/clients/event-bridge';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { defineHandler } from '../shared/runtime/lambda';
import { emitAccountUpdated, type AccountUpdateState } from '../shared/program-management-account/update';

/** Task `Emit Account Updated Event`: the request's one terminal event. */
export const { handler, build, clients } = defineHandler((state: AccountUpdateState, ports) => emitAccountUpdated(state, ports), { clients: { eventBridge, dynamodb }, ledger: dynamoLedger });
