import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { updateProgramManagementAccount, type AccountUpdateState } from '../shared/program-management-account/update';

/** Task `Update Program Management Account`: one UpdateProgramManagementAccount call. */
export const { handler, build } = defineHandler((state: AccountUpdateState, ports) => updateProgramManagementAccount(state, ports), { ledger: dynamoLedger });
