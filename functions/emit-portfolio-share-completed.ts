import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { eventBridge } from '../shared/runtime/clients/event-bridge';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { defineHandler } from '../shared/runtime/lambda';
import { emitPortfolioShareCompleted } from '../shared/portfolio-share/completion';
import type { ShareWorkflowState } from '../shared/portfolio-share/model';

/** Task `Emit Share Completion Event`: the share's one Portfolio Share Completed event. */
export const { handler, build, clients } = defineHandler((state: ShareWorkflowState, ports) => emitPortfolioShareCompleted(state, ports), { clients: { eventBridge, dynamodb }, ledger: dynamoLedger });
