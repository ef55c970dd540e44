/**
 * The request kind of the program-management-account workflow (shared/program-management-account/), for the
 * request-validation fuzz tier (../request-validation.test.ts): Program Management Account Update Requested.
 */
import fc from 'fast-check';
import { contracts } from '../../../shared/contracts/events';
import {
  account,
  type Break,
  CONTROL,
  type Detail,
  DIGITS,
  type Kind,
  LETTERS,
  LOWER,
  printable,
  record,
  requestId,
  requestIdRule,
  spoil,
  stringBreaks,
  structureBreaks,
  text,
  unknownKeyBreak,
} from './support';

// ---- Valid requests ----

const pma = text(LOWER + DIGITS, 13, 13).map((s) => `pma-${s}`);
/** The ARN form; its fixed parts (with the pma- id) take 87 of the 1,011 characters. */
const pmaArn = (partitionLength?: number) =>
  fc
    .tuple(text(`${LOWER}-`, 1, 40), text(`${LOWER + DIGITS}-`, 1, 300), account, text(LETTERS, 1, 300), pma)
    .map(([p, region, a, catalog, id]) => {
      const part = partitionLength === undefined ? p : 'a'.repeat(partitionLength - 87 - region.length - catalog.length);
      return `arn:${part}:partnercentral:${region}:${a}:catalog/${catalog}/program-management-account/${id}`;
    });
const pmaIdentifier = fc.oneof(pma, pmaArn(), pmaArn(1011));

const programManagementAccount = record(
  { catalog: text(LETTERS, 1, 64), identifier: pmaIdentifier, displayName: printable(1, 30), revision: text(DIGITS, 1, 10), requestId },
  ['catalog', 'identifier'],
);

// ---- Breaking one field ----

function programManagementAccountBreaks(request: Detail): Break[] {
  return [
    ...stringBreaks(request, ['catalog'], { required: true, min: 1, max: 64, bad: fc.constantFrom('AWS1', 'A B', 'Sand-box', 'é') }),
    ...stringBreaks(request, ['identifier'], {
      required: true,
      min: 17,
      max: 1011,
      ofLength: (n) => (n < 17 ? 'pma-abcdefghij1234'.slice(0, n) : `arn:${'a'.repeat(n - 87 - 2)}:partnercentral:r:123456789012:catalog/A/program-management-account/pma-abcdefghij123`),
      bad: fc.oneof(
        fc.constantFrom('pma-ABCDEFGHIJ123', 'pmx-abcdefghij123', 'pma-abcdefghij12', 'pma-abcdefghij1234'),
        fc.constant('arn:aws:iam::123456789012:catalog/AWS/program-management-account/pma-abcdefghij123'),
      ),
    }),
    ...stringBreaks(request, ['displayName'], { min: 1, max: 30, bad: spoil(typeof request.displayName === 'string' ? request.displayName : 'Partner', CONTROL) }),
    ...stringBreaks(request, ['revision'], { min: 1, max: 10, ofLength: (n) => '7'.repeat(n), bad: fc.constantFrom('4a', '-1', '1.0', ' 1') }),
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], ['catalog', 'identifier', 'displayName', 'revision', 'requestId']),
    ...structureBreaks(request, [], 'catalog'),
  ];
}

export const kinds: Kind[] = [{ contract: contracts.programManagementAccountUpdateRequested, valid: programManagementAccount, breaks: programManagementAccountBreaks }];
