import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { emitAccountUpdated, type AccountUpdateState } from '../shared/program-management-account/update';

/** Task `Emit Account Updated Event`: the request's one terminal event. */
export const { handler, build } = defineHandler((state: AccountUpdateState, ports) => emitAccountUpdated(state, ports), { ledger: dynamoLedger });
