import { dynamoLedger } from '../../runtime/dynamo-ledger';
import { eventBridge } from '../../runtime/clients/event-bridge';
import { serviceCatalog } from '../../runtime/clients/service-catalog';
import { dynamodb } from '../../runtime/clients/dynamodb';
import { sqs } from '../../runtime/clients/sqs';
import { defineHandler } from '../../runtime/lambda';
import { announceFailedAccounts, type AnnounceInput } from '../announce';

/** Task `Announce Failed Accounts`: one page of Portfolio Share Account Failed events. */
export const { handler, build, clients } = defineHandler((input: AnnounceInput, ports) => announceFailedAccounts(input, ports), { clients: { eventBridge, serviceCatalog, dynamodb, sqs }, ledger: dynamoLedger });
