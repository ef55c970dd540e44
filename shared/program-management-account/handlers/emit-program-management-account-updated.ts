import { dynamoLedger } from '../../runtime/dynamo-ledger';
import { eventBridge } from '../../runtime/clients/event-bridge';
import { dynamodb } from '../../runtime/clients/dynamodb';
import { defineHandler } from '../../runtime/lambda';
import { emitAccountUpdated, type AccountUpdateState } from '../update';

/** Task `Emit Account Updated Event`: the request's one terminal event. */
export const { handler, build, clients } = defineHandler((state: AccountUpdateState, ports) => emitAccountUpdated(state, ports), { clients: { eventBridge, dynamodb }, ledger: dynamoLedger });
