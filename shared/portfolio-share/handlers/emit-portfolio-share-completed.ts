import { dynamoLedger } from '../../runtime/dynamo-ledger';
import { eventBridge } from '../../runtime/clients/event-bridge';
import { dynamodb } from '../../runtime/clients/dynamodb';
import { defineHandler } from '../../runtime/lambda';
import { emitPortfolioShareCompleted } from '../completion';
import type { ShareWorkflowState } from '../model';

/** Task `Emit Share Completion Event`: the share's one Portfolio Share Completed event. */
export const { handler, build, clients } = defineHandler((state: ShareWorkflowState, ports) => emitPortfolioShareCompleted(state, ports), { clients: { eventBridge, dynamodb }, ledger: dynamoLedger });
