/**
 * The request kind of the portfolio-share-acceptance workflow (shared/portfolio-share-acceptance/), for the
 * request-validation fuzz tier (../request-validation.test.ts): Portfolio Share Acceptance Requested.
 */
import fc from 'fast-check';
import { contracts } from '../../../shared/contracts/events';
import { account, type Break, type Detail, DIGITS, type Kind, LOWER, record, requestId, requestIdRule, stringBreaks, structureBreaks, text, unknownKeyBreak } from './support';

const portfolioId = text(LOWER + DIGITS, 13, 13).map((s) => `port-${s}`);

const acceptance = record(
  {
    portfolioId,
    accountId: account,
    action: fc.constantFrom('ACCEPT', 'REJECT'),
    portfolioShareType: fc.constantFrom('IMPORTED', 'AWS_ORGANIZATIONS', 'AWS_SERVICECATALOG'),
    requestId,
  },
  ['portfolioId', 'accountId', 'action'],
);

function acceptanceBreaks(request: Detail): Break[] {
  return [
    ...stringBreaks(request, ['portfolioId'], {
      required: true,
      max: 100,
      ofLength: (n) => `port-${'a'.repeat(n - 5)}`,
      bad: fc.oneof(text(LOWER + DIGITS, 12, 12).map((s) => `port-${s}`), fc.constantFrom('port-ABCDEFGHIJKLM', 'prod-2abcdext3y5fk')),
    }),
    ...stringBreaks(request, ['accountId'], { required: true, bad: fc.oneof(text(DIGITS, 11, 11), text(DIGITS, 13, 13), fc.constantFrom('12345678901a', ' 123456789012')) }),
    ...stringBreaks(request, ['action'], { required: true, bad: fc.constantFrom('accept', 'ACCEPTED', '', 'DELETE') }),
    ...stringBreaks(request, ['portfolioShareType'], { bad: fc.constantFrom('imported', 'ACCOUNT', '', 'IMPORTED ') }),
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], ['portfolioId', 'accountId', 'action', 'portfolioShareType', 'requestId']),
    ...structureBreaks(request, [], 'portfolioId'),
  ];
}

export const kinds: Kind[] = [{ contract: contracts.portfolioShareAcceptanceRequested, valid: acceptance, breaks: acceptanceBreaks }];
