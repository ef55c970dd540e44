/**
 * The portfolio-share-acceptance workflow: the recipient's side of a
 * portfolio share, run in the recipient account as the stage's spoke role
 * (workflows/portfolio-share-acceptance.asl.json). Answers the offer
 * (AcceptPortfolioShare or RejectPortfolioShare), then checks the account's
 * accepted shares until they show the answer. Registered in shared/workflows.ts.
 */
import { emitTerminalTask, reasonOf, requestOf, summaryOf, terminalOf, type WorkflowModule } from '../workflow/module';
import { acceptanceCompletedDetail } from './acceptance';
import { authorizePortfolioShareAcceptance, portfolioAcceptanceAllowlist } from './allowlist';
import { portfolioShareAcceptanceCompleted } from './events/portfolio-share-acceptance-completed';
import { portfolioShareAcceptanceRequested } from './events/portfolio-share-acceptance-requested';

export const portfolioShareAcceptanceWorkflow = {
  name: 'portfolio-share-acceptance',
  events: { portfolioShareAcceptanceRequested, portfolioShareAcceptanceCompleted },
  requests: [requestOf({ contract: portfolioShareAcceptanceRequested, allowlist: portfolioAcceptanceAllowlist, authorize: authorizePortfolioShareAcceptance })],
  terminal: terminalOf({
    contract: portfolioShareAcceptanceCompleted, detail: acceptanceCompletedDetail, abortedStatus: 'FAILED', hasTimedOut: false,
    outcomeKnownIn: { 'Emit Acceptance Completed Event': undefined },
  }),
  summaries: [
    summaryOf(portfolioShareAcceptanceCompleted, (d) => {
      const accepted = d.accepted === undefined ? '' : d.accepted ? '  accepted' : '  not accepted';
      return `${d.requestId}  ${d.status}  ${d.action} ${d.portfolioId} (${d.portfolioShareType}) in ${d.accountId}${accepted}${reasonOf(d)}`;
    }),
  ],
  progressRecord: 'acceptance',
  tasks: [
    {
      key: 'answerShareOffer',
      handler: 'shared/portfolio-share-acceptance/handlers/answer-share-offer.handler',
      states: ['Answer The Share Offer'],
      description: 'Accepts or rejects a portfolio share in the recipient account, as the spoke role (Task "Answer The Share Offer").',
      clients: ['sts', 'serviceCatalogWith'],
      iam: [],
      spoke: ['servicecatalog:AcceptPortfolioShare', 'servicecatalog:RejectPortfolioShare'],
    },
    {
      key: 'checkAcceptedShares',
      handler: 'shared/portfolio-share-acceptance/handlers/check-accepted-shares.handler',
      states: ['Check The Accepted Shares'],
      description: 'Reads the recipient account\'s accepted portfolio shares, as the spoke role (Task "Check The Accepted Shares").',
      clients: ['sts', 'serviceCatalogWith'],
      iam: [],
      spoke: ['servicecatalog:ListAcceptedPortfolioShares'],
    },
    emitTerminalTask({
      key: 'emitPortfolioShareAcceptanceCompleted',
      handler: 'shared/portfolio-share-acceptance/handlers/emit-portfolio-share-acceptance-completed.handler',
      state: 'Emit Acceptance Completed Event',
      detailType: portfolioShareAcceptanceCompleted.detailType,
    }),
  ],
} as const satisfies WorkflowModule;
