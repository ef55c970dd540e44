import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { serviceCatalog } from '../shared/runtime/clients/service-catalog';
import { dynamodb } from '../shared/runtime/clients/dynamodb';
import { defineHandler } from '../shared/runtime/lambda';
import type { ShareWorkflowState } from '../shared/portfolio-share/model';
import { startPortfolioShare } from '../shared/portfolio-share/start';

/** Task `Start Portfolio Share`: Create/Update/DeletePortfolioShare (after checking Organizations access for node shares). */
export const { handler, build, clients } = defineHandler((state: ShareWorkflowState, ports) => startPortfolioShare(state, ports), { clients: { serviceCatalog, dynamodb }, ledger: dynamoLedger });
