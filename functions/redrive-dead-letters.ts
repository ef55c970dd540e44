import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { eventBridge } from '../shared/runtime/clients/event-bridge';
import { sfn } from '../shared/runtime/clients/sfn';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { sqs } from '../shared/runtime/clients/sqs';
import { defineHandler } from '../shared/runtime/lambda';
import { redriveDeadLetters } from '../shared/workflow/redrive';

/** Run by an operator after an outage: every dead letter Shepherd knows how to redrive, redriven once. */
export const { handler, build, clients } = defineHandler((_event: unknown, ports) => redriveDeadLetters(ports), { clients: { eventBridge, sfn, dynamodb, sqs }, ledger: dynamoLedger });
