import type { EventBridgeEvent } from 'aws-lambda';
import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { eventBridge } from '../shared/runtime/clients/event-bridge';
import { sfn } from '../shared/runtime/clients/sfn';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { defineHandler } from '../shared/runtime/lambda';
import { rescueTerminalEvent } from '../shared/workflow/rescue';

/** Rule target for Step Functions "Execution Status Change" (FAILED, TIMED_OUT, ABORTED) of Shepherd's state machines. */
export const { handler, build, clients } = defineHandler(
  (event: EventBridgeEvent<'Step Functions Execution Status Change', { executionArn: string }>, ports) => rescueTerminalEvent(event.detail.executionArn, ports),
  { clients: { eventBridge, sfn, dynamodb }, ledger: dynamoLedger },
);
