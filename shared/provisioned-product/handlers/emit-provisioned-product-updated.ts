import { dynamoLedger } from '../../runtime/dynamo-ledger';
import { eventBridge } from '../../runtime/clients/event-bridge';
import { dynamodb } from '../../runtime/clients/dynamodb';
import { defineHandler } from '../../runtime/lambda';
import { emitPropertiesUpdated } from '../completion';
import type { PropertiesUpdateState } from '../model';

/** Task `Emit Properties Updated Event`: the request's one terminal event. */
export const { handler, build, clients } = defineHandler((state: PropertiesUpdateState, ports) => emitPropertiesUpdated(state, ports), { clients: { eventBridge, dynamodb }, ledger: dynamoLedger });
