import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { redriveDeadLetters } from '../shared/workflow/redrive';

/** Run by an operator after an outage: every dead letter Shepherd knows how to redrive, redriven once. */
export const { handler, build } = defineHandler((_event: unknown, ports) => redriveDeadLetters(ports), { ledger: dynamoLedger });
