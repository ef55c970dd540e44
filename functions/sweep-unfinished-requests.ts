import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { eventBridge } from '../shared/runtime/clients/event-bridge';
import { sfn } from '../shared/runtime/clients/sfn';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { defineHandler } from '../shared/runtime/lambda';
import { sweepClosedExecutions } from '../shared/workflow/rescue';

/** Scheduled: rescues the terminal event of any recently closed execution that did not send one. */
export const { handler, build, clients } = defineHandler(
  (_event: unknown, ports) => sweepClosedExecutions(ports.config.stateMachineArns, ports.config.sweepLookbackSeconds, ports),
  { clients: { eventBridge, sfn, dynamodb }, ledger: dynamoLedger },
);
