import { defineHandler } from '../shared/runtime/lambda';
import { ingestResourceOperationRequest } from '../shared/resource-operation/ingest';
import type { IncomingEvent } from '../shared/events/reject';

/** Rule target for `Resource Operation Requested`: validate, then start the execution by request id. */
export const { handler, build } = defineHandler((event: IncomingEvent, ports) => ingestResourceOperationRequest(event, ports));
