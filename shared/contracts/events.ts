/**
 * Every event Shepherd accepts or emits, gathered in one table: source,
 * detail-type and the zod schema of its detail. Each contract is defined in
 * a file of its own, with the workflow it belongs to
 * (`shared/<workflow>/events/<event>.ts`; `Request Rejected` and the shared
 * pieces in this folder). Runtime validation, the JSON Schemas in
 * `schemas/` and the EventBridge rule patterns in serverless.yml all derive
 * from these definitions (test/unit/contracts.test.ts keeps them equal).
 *
 * Per-event files never import this module: it imports them.
 */
import type { EventContract } from './contract';
import { WORKFLOWS } from '../workflows';
import { requestRejected } from './request-rejected';

export type { EventContract } from './contract';
export { SHEPHERD_SOURCE, fieldError, type FieldError } from './common';
export { requestRejectedDetail, type RequestRejected } from './request-rejected';
export { resourceOperationRequestedDetail, type ResourceOperationRequest } from '../resource-operation/events/resource-operation-requested';
export { resourceOperationCancelRequestedDetail } from '../resource-operation/events/resource-operation-cancel-requested';
export {
  operationStatus,
  hookInvocation,
  resourceOperationCompletedDetail,
  type OperationStatus,
  type HookInvocation,
  type ResourceOperationCompleted,
} from '../resource-operation/events/resource-operation-completed';
export { portfolioShareRequestedDetail, type PortfolioShareRequest } from '../portfolio-share/events/portfolio-share-requested';
export { portfolioShareAccountFailedDetail, type PortfolioShareAccountFailed } from '../portfolio-share/events/portfolio-share-account-failed';
export {
  shareStatus,
  failuresByError,
  portfolioShareCompletedDetail,
  type ShareStatus,
  type PortfolioShareCompleted,
} from '../portfolio-share/events/portfolio-share-completed';
export {
  organizationsAccessChangeRequestedDetail,
  type OrganizationsAccessChangeRequest,
} from '../organizations-access/events/organizations-access-change-requested';
export { organizationsAccessChangedDetail, type OrganizationsAccessChanged } from '../organizations-access/events/organizations-access-changed';
export {
  provisionedProductPropertiesUpdateRequestedDetail,
  type ProvisionedProductPropertiesUpdateRequest,
} from '../provisioned-product/events/provisioned-product-properties-update-requested';
export {
  provisionedProductPropertiesUpdatedDetail,
  type ProvisionedProductPropertiesUpdated,
} from '../provisioned-product/events/provisioned-product-properties-updated';
export {
  programManagementAccountUpdateRequestedDetail,
  type ProgramManagementAccountUpdateRequest,
} from '../program-management-account/events/program-management-account-update-requested';
export {
  programManagementAccountUpdatedDetail,
  type ProgramManagementAccountUpdated,
} from '../program-management-account/events/program-management-account-updated';

/** Every contract, by name. The order is the rule pattern's (requests) and the schemas' listing. */
/** One type of the workflows' event tables together (a union of records made one record). */
type Merged<U> = (U extends unknown ? (record: U) => void : never) extends (record: infer I) => void ? I : never;

/**
 * Every event contract, by name: each workflow's own (its declaration's `events`, shared/workflows.ts), then
 * the Request Rejected event that any request can end with. A new workflow's events join this table by its
 * registration alone.
 */
export const contracts = Object.assign({}, ...WORKFLOWS.map((workflow) => workflow.events), { requestRejected }) as Merged<(typeof WORKFLOWS)[number]['events']> & {
  requestRejected: typeof requestRejected;
};

export type ContractName = keyof typeof contracts;

/** Detail-types of the events that end a request (exactly one per request). */
export const TERMINAL_DETAIL_TYPES: ReadonlySet<string> = new Set(
  Object.values(contracts as Record<string, EventContract>)
    .filter((c) => c.terminal)
    .map((c) => c.detailType),
);

/** The contracts of the events users send: the request kinds and cancels. */
export const REQUEST_CONTRACTS: readonly EventContract[] = Object.values(contracts as Record<string, EventContract>).filter((c) => c.direction === 'request');

/**
 * The EventBridge pattern that routes requests to the request queue: every
 * request contract, only from the stage's accepted sources and accounts
 * (config/guardrails.json; `accounts` is whatever serverless.yml writes
 * there, a list or a CloudFormation Fn::Split).
 */
export function requestRulePattern(who: { sources: string[]; accounts: unknown }, requests: readonly EventContract[] = REQUEST_CONTRACTS): Record<string, unknown> {
  return {
    source: who.sources,
    account: who.accounts,
    'detail-type': requests.map((c) => c.detailType),
  };
}
