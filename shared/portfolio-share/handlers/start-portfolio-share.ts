import { dynamoLedger } from '../../runtime/dynamo-ledger';
import { serviceCatalog } from '../../runtime/clients/service-catalog';
import { dynamodb } from '../../runtime/clients/dynamodb';
import { defineHandler } from '../../runtime/lambda';
import type { ShareWorkflowState } from '../model';
import { startPortfolioShare } from '../start';

/** Task `Start Portfolio Share`: Create/Update/DeletePortfolioShare (after checking Organizations access for node shares). */
export const { handler, build, clients } = defineHandler((state: ShareWorkflowState, ports) => startPortfolioShare(state, ports), { clients: { serviceCatalog, dynamodb }, ledger: dynamoLedger });
