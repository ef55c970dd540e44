import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { announceFailedAccounts, type AnnounceInput } from '../shared/portfolio-share/announce';

/** Task `Announce Failed Accounts`: one page of Portfolio Share Account Failed events. */
export const { handler, build } = defineHandler((input: AnnounceInput, ports) => announceFailedAccounts(input, ports), { ledger: dynamoLedger });
