import type { EventBridgeEvent } from 'aws-lambda';
import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { rescueTerminalEvent } from '../shared/workflow/rescue';

/** Rule target for Step Functions "Execution Status Change" (FAILED, TIMED_OUT, ABORTED) of Shepherd's state machines. */
export const { handler, build } = defineHandler(
  (event: EventBridgeEvent<'Step Functions Execution Status Change', { executionArn: string }>, ports) => rescueTerminalEvent(event.detail.executionArn, ports),
  { ledger: dynamoLedger },
);
