import type { SQSEvent } from 'aws-lambda';
import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { takeRequests } from '../shared/workflow/intake';

/** Polls the request queue: every request kind and cancels, a batch at a time; what cannot be handled yet stays queued. */
export const { handler, build } = defineHandler((event: SQSEvent, ports) => takeRequests(event, ports), { ledger: dynamoLedger });
