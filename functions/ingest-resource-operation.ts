import { contracts } from '../shared/contracts/events';
import type { IncomingEvent } from '../shared/events/reject';
import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { authorizeResourceOperation } from '../shared/guardrails';
import { ingestRequest } from '../shared/workflow/ingest';

/** Rule target for `Resource Operation Requested`: validate, then start the execution by request id. */
export const { handler, build } = defineHandler((event: IncomingEvent, ports) =>
  ingestRequest(contracts.resourceOperationRequested, event, ports, authorizeResourceOperation),
  { ledger: dynamoLedger },
);
