import { dynamoLedger } from '../../runtime/dynamo-ledger';
import { partnerCentral } from '../../runtime/clients/partner-central';
import { dynamodb } from '../../runtime/clients/dynamodb';
import { defineHandler } from '../../runtime/lambda';
import { updateProgramManagementAccount, type AccountUpdateState } from '../update';

/** Task `Update Program Management Account`: one UpdateProgramManagementAccount call. */
export const { handler, build, clients } = defineHandler((state: AccountUpdateState, ports) => updateProgramManagementAccount(state, ports), { clients: { partnerCentral, dynamodb }, ledger: dynamoLedger });
