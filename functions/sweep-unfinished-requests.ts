import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { sweepClosedExecutions } from '../shared/workflow/rescue';

/** Scheduled: rescues the terminal event of any recently closed execution that did not send one. */
export const { handler, build } = defineHandler(
  (_event: unknown, ports) => sweepClosedExecutions(ports.config.stateMachineArns, ports.config.sweepLookbackSeconds, ports),
  { ledger: dynamoLedger },
);
