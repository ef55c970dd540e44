import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { requestIdField } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

/** A validation rule that spans fields; `params.rule` becomes the FieldError code. */
function crossFieldIssue(ctx: z.RefinementCtx, path: string[], rule: string, message: string): void {
  ctx.addIssue({ code: 'custom', path, message, params: { rule } });
}

const shareTarget = {
  portfolioId: c.portfolioId,
  accountId: c.accountId.optional().describe('Share with this account; exactly one of accountId or organizationNode.'),
  organizationNode: c.organizationNode.optional().describe('Share with an organization, OU or member account (needs Organizations access).'),
  acceptLanguage: c.acceptLanguage.optional(),
  requestId: requestIdField,
};
const shareFlags = {
  shareTagOptions: z.boolean().optional(),
  sharePrincipals: z.boolean().optional().describe('Organization and OU shares only.'),
};

export const portfolioShareRequestedDetail = z
  .discriminatedUnion('operation', [
    z.strictObject({
      operation: z.literal('CREATE'),
      ...shareTarget,
      ...shareFlags,
      acceptOnBehalf: z
        .boolean()
        .optional()
        .describe("Account shares: accept the share in the recipient account too, as the stage's spoke role (AcceptPortfolioShare, IMPORTED)"),
    }),
    z.strictObject({ operation: z.literal('UPDATE'), ...shareTarget, ...shareFlags }),
    z.strictObject({ operation: z.literal('DELETE'), ...shareTarget }),
  ])
  .superRefine((request, ctx) => {
    if ((request.accountId === undefined) === (request.organizationNode === undefined)) {
      crossFieldIssue(ctx, ['accountId'], 'exactly_one_target', 'give exactly one of accountId or organizationNode');
    }
    if (request.operation === 'UPDATE' && request.shareTagOptions === undefined && request.sharePrincipals === undefined) {
      crossFieldIssue(ctx, ['shareTagOptions'], 'flag_required', 'UPDATE needs shareTagOptions or sharePrincipals (or both)');
    }
    if (request.operation === 'CREATE' && request.acceptOnBehalf === true && request.accountId === undefined) {
      // An organization share needs no acceptance: its accounts list it (AWS_ORGANIZATIONS) as soon as it completes.
      crossFieldIssue(ctx, ['acceptOnBehalf'], 'account_share_only', 'acceptOnBehalf applies to account shares (accountId) only');
    }
    const sharesWithOrgUnit = request.organizationNode && request.organizationNode.type !== 'ACCOUNT';
    if (request.operation !== 'DELETE' && request.sharePrincipals !== undefined && !sharesWithOrgUnit) {
      crossFieldIssue(ctx, ['sharePrincipals'], 'org_share_only', 'principal sharing applies only to ORGANIZATION and ORGANIZATIONAL_UNIT shares');
    }
  });
export type PortfolioShareRequest = z.infer<typeof portfolioShareRequestedDetail>;

export const portfolioShareRequested = defineEvent({
  detailType: 'Portfolio Share Requested',
  direction: 'request',
  detail: portfolioShareRequestedDetail,
});
