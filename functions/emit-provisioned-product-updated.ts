import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { eventBridge } from '../shared/runtime/clients/event-bridge';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { defineHandler } from '../shared/runtime/lambda';
import { emitPropertiesUpdated } from '../shared/provisioned-product/completion';
import type { PropertiesUpdateState } from '../shared/provisioned-product/model';

/** Task `Emit Properties Updated Event`: the request's one terminal event. */
export const { handler, build, clients } = defineHandler((state: PropertiesUpdateState, ports) => emitPropertiesUpdated(state, ports), { clients: { eventBridge, dynamodb }, ledger: dynamoLedger });
