import { contracts } from '../shared/contracts/events';
import type { IncomingEvent } from '../shared/events/reject';
import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { authorizePortfolioShare } from '../shared/guardrails';
import { ingestRequest } from '../shared/workflow/ingest';

/** Rule target for `Portfolio Share Requested`: validate, then start the share execution by request id. */
export const { handler, build } = defineHandler((event: IncomingEvent, ports) => ingestRequest(contracts.portfolioShareRequested, event, ports, authorizePortfolioShare), { ledger: dynamoLedger });
