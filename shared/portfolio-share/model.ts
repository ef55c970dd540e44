/**
 * The data a portfolio-share execution carries from state to state. Ingest
 * starts it with the request; the Start and Check Lambdas write `share`
 * (counts only: the per-account lists stay in Service Catalog and are paged
 * by the announce Lambda, so the state stays small for 10,000 accounts);
 * the announce Lambda writes `announce`; a Catch writes `failure`.
 */
import type { CaughtFailure } from '../workflow/failure';
import type { RequestBody, WorkflowInput } from '../workflow/ingest';
import type { ProgressClock } from '../workflow/progress';
import type { ShareStatus } from './events/portfolio-share-completed';
import type { PortfolioShareFollowRequest } from './events/portfolio-share-follow-requested';
import type { PortfolioShareRequest } from './events/portfolio-share-requested';

export type PortfolioShareBody = RequestBody<PortfolioShareRequest>;
/** A share action Shepherd did not start, followed by its token. */
export type FollowedShareBody = RequestBody<PortfolioShareFollowRequest>;

/** Whether the execution follows a share action Shepherd did not start. */
export const isFollowedShare = (request: PortfolioShareBody | FollowedShareBody): request is FollowedShareBody => 'portfolioShareToken' in request;

/** What comes next, read by the `Is The Share Finished?` Choice. BUSY: another action holds the portfolio. */
export type ShareOutcome = 'IN_PROGRESS' | 'BUSY' | ShareStatus;

export interface FailureGroup {
  error: string;
  accounts: number;
  message?: string;
}

export interface ShareProgress extends ProgressClock {
  shareToken?: string;
  /** DescribePortfolioShareStatus Status as last seen (COMPLETED for synchronous account shares). */
  shareStatus?: string;
  successfulAccounts: number;
  failedAccounts: number;
  failuresByError: FailureGroup[];
  errorCode?: string;
  statusMessage?: string;
  outcome: ShareOutcome;
  /** RFC 3339: when the next Wait lets the workflow go on. */
  nextCheckAt?: string;
}

/** Where the failed-account fan-out stands. */
export interface Announcement {
  /** Failed accounts in the (sorted) list already handled: announced, or given up on. */
  offset: number;
  total: number;
  /** Accounts whose events EventBridge refused last time: resent first. */
  pending: string[];
  /** Consecutive invocations that left events pending. */
  refusedRounds: number;
  announced: number;
  notDelivered: number;
  putEventsCalls: number;
  done: boolean;
}

/** Accepting an account share in the recipient account (acceptOnBehalf). */
export interface RecipientAcceptance {
  accepted: boolean;
  errorCode?: string;
  statusMessage?: string;
}

export interface ShareWorkflowState extends WorkflowInput<PortfolioShareBody | FollowedShareBody> {
  share?: ShareProgress;
  acceptance?: RecipientAcceptance;
  /** After a node share or delete: whether the service lists the node's access (Read Organization Access). */
  organizationAccess?: { nodeAccess: 'PRESENT' | 'ABSENT' };
  /** Reading it failed past its Retry: the share's outcome stands, the completion leaves nodeAccess out. */
  nodeAccessFailure?: CaughtFailure;
  /** Accepting it failed past its Retry (Catch): the share stands, the request ends FAILED. */
  acceptanceFailure?: CaughtFailure;
  announce?: Announcement;
  /** The fan-out itself failed (Catch): the completion still goes out, counting what was not announced. */
  announceFailure?: CaughtFailure;
  failure?: CaughtFailure;
}

/** The share's target as events name it. */
export function targetOf(request: PortfolioShareBody | FollowedShareBody): { accountId?: string; organizationNode?: { type: string; value: string } } {
  return 'accountId' in request && request.accountId ? { accountId: request.accountId } : { organizationNode: request.organizationNode };
}

/**
 * The node an OrganizationNode value names: its id, also when given as an Organizations ARN (…/ou-…), which the
 * API model admits and terraform-provider-aws passes through. What the service lists is the id.
 */
export const nodeId = (value: string): string => (/^arn:[^:]+:organizations::/.test(value) ? value.split('/').pop()! : value);
