import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { partnerCentral } from '../shared/runtime/clients/partner-central';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { defineHandler } from '../shared/runtime/lambda';
import { updateProgramManagementAccount, type AccountUpdateState } from '../shared/program-management-account/update';

/** Task `Update Program Management Account`: one UpdateProgramManagementAccount call. */
export const { handler, build, clients } = defineHandler((state: AccountUpdateState, ports) => updateProgramManagementAccount(state, ports), { clients: { partnerCentral, dynamodb }, ledger: dynamoLedger });
