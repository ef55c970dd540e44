/**
 * The request kind of the portfolio-share workflow (shared/portfolio-share/), for the request-validation fuzz
 * tier (../request-validation.test.ts): Portfolio Share Requested.
 */
import fc from 'fast-check';
import { contracts } from '../../../shared/contracts/events';
import {
  acceptLanguage,
  acceptLanguageBreaks,
  account,
  type Break,
  type Detail,
  DIGITS,
  type Kind,
  LOWER,
  record,
  requestId,
  requestIdRule,
  stringBreaks,
  structureBreaks,
  text,
  unknownKeyBreak,
  withAt,
  withoutAt,
  wrongType,
} from './support';

// ---- Valid requests ----

const portfolioId = text(LOWER + DIGITS, 13, 13).map((s) => `port-${s}`);
const organizationNode = fc.oneof(
  text(LOWER + DIGITS, 10, 32).map((s) => ({ type: 'ORGANIZATION', value: `o-${s}` })),
  fc.tuple(text(DIGITS + LOWER, 4, 32), text(LOWER + DIGITS, 8, 32)).map(([a, b]) => ({ type: 'ORGANIZATIONAL_UNIT', value: `ou-${a}-${b}` })),
  account.map((value) => ({ type: 'ACCOUNT', value })),
);

const portfolioShare = fc
  .tuple(
    fc.constantFrom('CREATE', 'UPDATE', 'DELETE'),
    fc.oneof(account.map((accountId) => ({ accountId })), organizationNode.map((node) => ({ organizationNode: node }))),
    record({ portfolioId, acceptLanguage, requestId }, ['portfolioId']),
    fc.boolean(),
    fc.boolean(),
    fc.constantFrom('tags', 'principals', 'both'),
  )
  .map(([operation, target, rest, tags, principals, which]) => {
    const orgShare = 'organizationNode' in target && target.organizationNode.type !== 'ACCOUNT';
    const flags: Detail = {};
    if (operation === 'CREATE') {
      if (which !== 'principals') flags.shareTagOptions = tags;
      if (orgShare && which !== 'tags') flags.sharePrincipals = principals;
      // acceptOnBehalf: account shares only (an organization share needs no acceptance).
      if ('accountId' in target && which !== 'tags') flags.acceptOnBehalf = principals;
    } else if (operation === 'UPDATE') {
      if (!orgShare || which !== 'principals') flags.shareTagOptions = tags;
      if (orgShare && which !== 'tags') flags.sharePrincipals = principals;
    }
    return { operation, ...rest, ...target, ...flags } as Detail;
  });

// ---- Breaking one field ----

function portfolioShareBreaks(request: Detail): Break[] {
  const operation = request.operation as string;
  const node = request.organizationNode as { type: string; value: string } | undefined;
  const orgShare = node !== undefined && node.type !== 'ACCOUNT';
  const known = [
    'operation', 'portfolioId', 'accountId', 'organizationNode', 'acceptLanguage', 'requestId',
    ...(operation === 'DELETE' ? [] : ['shareTagOptions', 'sharePrincipals']),
    ...(operation === 'CREATE' ? ['acceptOnBehalf'] : []),
  ];
  const breaks: Break[] = [
    ...stringBreaks(request, ['operation'], { required: true, bad: fc.constantFrom('create', 'MOVE', '') }),
    ...stringBreaks(request, ['portfolioId'], {
      required: true,
      max: 100,
      ofLength: (n) => `port-${'a'.repeat(n - 5)}`,
      bad: fc.oneof(text(LOWER + DIGITS, 12, 12).map((s) => `port-${s}`), text(LOWER, 14, 14).map((s) => `port-${s}`), fc.constantFrom('port-ABCDEFGHIJKLM', 'prod-2abcdext3y5fk')),
    }),
    ...acceptLanguageBreaks(request),
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], known),
    ...structureBreaks(request, [], 'requestId'),
    // "Exactly one of accountId or organizationNode" is reported at accountId (crossFieldIssue in events.ts).
    { field: 'accountId', what: 'no target', detail: fc.constant(withoutAt(withoutAt(request, ['accountId']), ['organizationNode'])) },
    {
      field: 'accountId',
      what: 'both targets',
      detail: node ? account.map((a) => withAt(request, ['accountId'], a)) : organizationNode.map((n) => withAt(request, ['organizationNode'], n)),
    },
  ];
  if (node) {
    const other = node.type === 'ACCOUNT' ? 'o-a1b2c3d4e5' : '123456789012';
    breaks.push(
      { field: 'organizationNode', what: 'wrong type (arrays too)', detail: wrongType('object').map((v) => withAt(request, ['organizationNode'], v)) },
      { field: 'organizationNode.type', what: 'unknown type', detail: fc.constantFrom('ROOT', 'account', '', 'constructor').map((t) => withAt(request, ['organizationNode', 'type'], t)) },
      { field: 'organizationNode.value', what: 'the id of another type', detail: fc.constant(withAt(request, ['organizationNode', 'value'], other)) },
      ...stringBreaks(request, ['organizationNode', 'value'], { required: true, max: 100 }),
      ...unknownKeyBreak(request, ['organizationNode'], ['type', 'value']),
      ...structureBreaks(request, ['organizationNode'], 'value'),
    );
  } else {
    breaks.push(
      ...stringBreaks(request, ['accountId'], { bad: fc.oneof(text(DIGITS, 11, 11), text(DIGITS, 13, 13), text(LOWER, 12, 12)) }),
    );
  }
  if (operation === 'DELETE') {
    breaks.push({ field: 'shareTagOptions', what: 'a flag on DELETE', detail: fc.boolean().map((b) => withAt(request, ['shareTagOptions'], b)) });
  } else {
    breaks.push(
      { field: 'shareTagOptions', what: 'wrong type', detail: wrongType('boolean').map((v) => withAt(request, ['shareTagOptions'], v)) },
      { field: 'sharePrincipals', what: 'wrong type', detail: wrongType('boolean').map((v) => withAt(request, ['sharePrincipals'], v)) },
    );
    if (!orgShare) breaks.push({ field: 'sharePrincipals', what: 'principal sharing with an account', detail: fc.boolean().map((b) => withAt(request, ['sharePrincipals'], b)) });
  }
  if (operation === 'UPDATE') {
    breaks.push({ field: 'shareTagOptions', what: 'UPDATE without a flag', detail: fc.constant(withoutAt(withoutAt(request, ['shareTagOptions']), ['sharePrincipals'])) });
  }
  return breaks;
}

// ---- Following a share action Shepherd did not start ----

const portfolioShareToken = text(`${LOWER + DIGITS}_-`, 1, 100);
const follow = fc
  .tuple(portfolioShareToken, fc.constantFrom('CREATE', 'UPDATE', 'DELETE'), portfolioId, organizationNode, fc.option(requestId, { nil: undefined }))
  .map(([token, operation, id, node, rid]) => ({ portfolioShareToken: token, operation, portfolioId: id, organizationNode: node, ...(rid === undefined ? {} : { requestId: rid }) }) as Detail);

function followBreaks(request: Detail): Break[] {
  return [
    ...stringBreaks(request, ['portfolioShareToken'], { required: true, min: 1, max: 100, bad: fc.constantFrom('a/b', 'a b', 'é', 'tok.1') }),
    ...stringBreaks(request, ['operation'], { required: true, bad: fc.constantFrom('create', 'MOVE', '') }),
    ...stringBreaks(request, ['portfolioId'], { required: true, max: 100, ofLength: (n) => `port-${'a'.repeat(n - 5)}`, bad: fc.constantFrom('port-ABCDEFGHIJKLM', 'prod-2abcdext3y5fk') }),
    { field: 'organizationNode.type', what: 'unknown type', detail: fc.constantFrom('ROOT', 'account', '').map((t) => withAt(request, ['organizationNode', 'type'], t)) },
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], ['portfolioShareToken', 'operation', 'portfolioId', 'organizationNode', 'requestId']),
    ...structureBreaks(request, [], 'portfolioId'),
  ];
}

export const kinds: Kind[] = [
  { contract: contracts.portfolioShareRequested, valid: portfolioShare, breaks: portfolioShareBreaks },
  { contract: contracts.portfolioShareFollowRequested, valid: follow, breaks: followBreaks },
];
