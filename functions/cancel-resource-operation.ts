import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { cancelResourceOperation } from '../shared/resource-operation/cancel';
import type { IncomingEvent } from '../shared/events/reject';

/** Rule target for `Resource Operation Cancel Requested`. */
export const { handler, build } = defineHandler((event: IncomingEvent, ports) => cancelResourceOperation(event, ports), { ledger: dynamoLedger });
