import type { SQSEvent } from 'aws-lambda';
import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { cloudControl } from '../shared/runtime/clients/cloud-control';
import { eventBridge } from '../shared/runtime/clients/event-bridge';
import { sfn } from '../shared/runtime/clients/sfn';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { sqs } from '../shared/runtime/clients/sqs';
import { defineHandler } from '../shared/runtime/lambda';
import { takeRequests } from '../shared/workflow/intake';

/** Polls the request queue: every request kind and cancels, a batch at a time; what cannot be handled yet stays queued. */
export const { handler, build, clients } = defineHandler((event: SQSEvent, ports) => takeRequests(event, ports), { clients: { cloudControl, eventBridge, sfn, dynamodb, sqs }, ledger: dynamoLedger });
