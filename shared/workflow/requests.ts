/**
 * Every kind of request Shepherd takes, by detail-type: its contract, the
 * workflow that runs it and the stage's allowlist for it (every kind has one:
 * an unlisted stage allows no AWS change of any kind). The intake routes
 * by this table; a new workflow's request is one more line here.
 */
import { contracts } from '../contracts/events';
import {
  authorizeOrganizationsAccessChange,
  authorizePortfolioShare,
  authorizeProgramManagementAccountUpdate,
  authorizeProvisionedProductUpdate,
  authorizeResourceOperation,
} from '../guardrails';
import { carryDocuments } from '../resource-operation/documents';
import type { RequestKind } from './ingest';

export const REQUEST_KINDS: Record<string, RequestKind> = Object.fromEntries(
  [
    { contract: contracts.resourceOperationRequested, workflow: 'resource-operation', authorize: authorizeResourceOperation, carry: carryDocuments },
    { contract: contracts.portfolioShareRequested, workflow: 'portfolio-share', authorize: authorizePortfolioShare },
    { contract: contracts.organizationsAccessChangeRequested, workflow: 'organizations-access', authorize: authorizeOrganizationsAccessChange },
    { contract: contracts.provisionedProductPropertiesUpdateRequested, workflow: 'provisioned-product-properties', authorize: authorizeProvisionedProductUpdate },
    { contract: contracts.programManagementAccountUpdateRequested, workflow: 'program-management-account', authorize: authorizeProgramManagementAccountUpdate },
  ].map((kind) => [kind.contract.detailType, kind as unknown as RequestKind]),
);

/** Cancels are requests about another request, not a workflow of their own. */
export const CANCEL_DETAIL_TYPE = contracts.resourceOperationCancelRequested.detailType;
