/**
 * The portfolio-share workflow: a share create, update or delete to an
 * account or an Organizations node (workflows/portfolio-share.asl.json), with
 * one event per failed account. Registered in shared/workflows.ts.
 */
import { PUT_EVENTS_ON_BUS, emitTerminalTask, reasonOf, requestOf, summaryOf, terminalOf, type WorkflowModule } from '../workflow/module';
import { authorizePortfolioShare, authorizePortfolioShareFollow, serviceCatalogAllowlist } from './allowlist';
import { shareCompletionDetail } from './completion';
import { portfolioShareAccountFailed } from './events/portfolio-share-account-failed';
import { portfolioShareCompleted } from './events/portfolio-share-completed';
import { portfolioShareFollowRequested } from './events/portfolio-share-follow-requested';
import { portfolioShareRequested } from './events/portfolio-share-requested';

export const portfolioShareWorkflow = {
  name: 'portfolio-share',
  events: { portfolioShareRequested, portfolioShareFollowRequested, portfolioShareAccountFailed, portfolioShareCompleted },
  requests: [
    requestOf({ contract: portfolioShareRequested, allowlist: serviceCatalogAllowlist, authorize: authorizePortfolioShare }),
    requestOf({ contract: portfolioShareFollowRequested, allowlist: serviceCatalogAllowlist, authorize: authorizePortfolioShareFollow }),
  ],
  terminal: terminalOf({
    contract: portfolioShareCompleted, detail: shareCompletionDetail, abortedStatus: 'FAILED', hasTimedOut: true,
    outcomeKnownIn: { 'Read Organization Access': 'nodeAccessFailure', 'Announce Failed Accounts': 'announceFailure', 'Accept In The Recipient Account': 'acceptanceFailure', 'Emit Share Completion Event': undefined },
  }),
  summaries: [
    summaryOf(portfolioShareAccountFailed, (d) => `${d.requestId}  ${d.accountId}  ${d.error}${d.message ? `: ${d.message}` : ''}`),
    summaryOf(portfolioShareCompleted, (d) => {
      const target = d.target?.accountId ?? `${d.target?.organizationNode?.type} ${d.target?.organizationNode?.value}`;
      const why = d.status !== 'PARTIALLY_SUCCEEDED' ? reasonOf(d, ' ') : '';
      return `${d.requestId}  ${d.status}  ${d.operation} ${d.portfolioId} → ${target}  (${d.successfulAccounts} ok, ${d.failedAccounts} failed, polls ${d.polls})${why}`;
    }),
  ],
  progressRecord: 'share',
  tasks: [
    {
      key: 'startPortfolioShare',
      handler: 'shared/portfolio-share/handlers/start-portfolio-share.handler',
      states: ['Start Portfolio Share'],
      description: 'Starts a portfolio share action (Task "Start Portfolio Share").',
      clients: ['serviceCatalog', 'dynamodb'],
      environment: { OPERATION_TIMEOUT_SECONDS: '${self:custom.shepherd.operationTimeoutSeconds}' },
      // The ledger: this function's side effects happen once.
      ledger: true,
      iam: [
        {
          Effect: 'Allow',
          Action: ['servicecatalog:CreatePortfolioShare', 'servicecatalog:UpdatePortfolioShare', 'servicecatalog:DeletePortfolioShare'],
          Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:catalog:${AWS::Region}:${AWS::AccountId}:portfolio/*' }],
        },
        // Account-level API: no resource-level permissions.
        { Effect: 'Allow', Action: ['servicecatalog:GetAWSOrganizationsAccessStatus'], Resource: ['*'] },
      ],
    },
    {
      key: 'checkPortfolioShare',
      handler: 'shared/portfolio-share/handlers/check-portfolio-share.handler',
      states: ['Check Share Status', 'Follow The Share'],
      description: 'Polls a portfolio share action once (Tasks "Check Share Status" and "Follow The Share").',
      clients: ['serviceCatalog'],
      // Share tokens are not resources IAM can name.
      iam: [{ Effect: 'Allow', Action: ['servicecatalog:DescribePortfolioShareStatus'], Resource: ['*'] }],
    },
    {
      key: 'announceShareFailures',
      handler: 'shared/portfolio-share/handlers/announce-share-failures.handler',
      states: ['Announce Failed Accounts'],
      description: 'Emits one Portfolio Share Account Failed event per failed account, a page at a time (Task "Announce Failed Accounts").',
      clients: ['eventBridge', 'serviceCatalog', 'sqs', 'dynamodb'],
      timeout: 110,
      memorySize: 512,
      ledger: true,
      iam: [
        { Effect: 'Allow', Action: ['servicecatalog:DescribePortfolioShareStatus'], Resource: ['*'] },
        PUT_EVENTS_ON_BUS,
        // Events EventBridge keeps refusing are parked here with the reason.
        { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }] },
      ],
    },
    {
      key: 'readOrganizationAccess',
      handler: 'shared/portfolio-share/handlers/read-organization-access.handler',
      states: ['Read Organization Access'],
      description: 'Reads whether the node is listed among the portfolio\'s organization access after a node share or delete (Task "Read Organization Access").',
      clients: ['serviceCatalog'],
      iam: [
        {
          Effect: 'Allow',
          Action: ['servicecatalog:ListOrganizationPortfolioAccess'],
          Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:catalog:${AWS::Region}:${AWS::AccountId}:portfolio/*' }],
        },
      ],
    },
    {
      key: 'acceptOnRecipientsBehalf',
      handler: 'shared/portfolio-share/handlers/accept-on-recipients-behalf.handler',
      states: ['Accept In The Recipient Account'],
      description: 'Accepts an account share in the recipient account, as the spoke role (acceptOnBehalf; Task "Accept In The Recipient Account").',
      clients: ['sts', 'serviceCatalogWith'],
      iam: [],
      spoke: ['servicecatalog:AcceptPortfolioShare', 'servicecatalog:ListAcceptedPortfolioShares'],
    },
    emitTerminalTask({
      key: 'emitPortfolioShareCompleted',
      handler: 'shared/portfolio-share/handlers/emit-portfolio-share-completed.handler',
      state: 'Emit Share Completion Event',
      detailType: portfolioShareCompleted.detailType,
    }),
  ],
} as const satisfies WorkflowModule;
