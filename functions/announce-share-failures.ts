import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { eventBridge } from '../shared/runtime/clients/event-bridge';
import { serviceCatalog } from '../shared/runtime/clients/service-catalog';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { sqs } from '../shared/runtime/clients/sqs';
import { defineHandler } from '../shared/runtime/lambda';
import { announceFailedAccounts, type AnnounceInput } from '../shared/portfolio-share/announce';

/** Task `Announce Failed Accounts`: one page of Portfolio Share Account Failed events. */
export const { handler, build, clients } = defineHandler((input: AnnounceInput, ports) => announceFailedAccounts(input, ports), { clients: { eventBridge, serviceCatalog, dynamodb, sqs }, ledger: dynamoLedger });
