/**
 * The request kind of the provisioned-product workflow (shared/provisioned-product/), for the request-validation
 * fuzz tier (../request-validation.test.ts): Provisioned Product Properties Update Requested.
 */
import fc from 'fast-check';
import { MAX_PROPERTY_VALUE_LENGTH } from '../../../shared/contracts/constraints';
import { contracts } from '../../../shared/contracts/events';
import {
  acceptLanguage,
  acceptLanguageBreaks,
  account,
  ALNUM,
  type Break,
  type Detail,
  type Kind,
  partition,
  record,
  requestId,
  requestIdRule,
  ROLE_NAME,
  roleArn,
  roleArnOfLength,
  type StringRule,
  stringBreaks,
  structureBreaks,
  text,
  unknownKeyBreak,
  withAt,
  withoutAt,
  wrongType,
} from './support';

// ---- Valid requests ----

const SESSION_NAME = `${ALNUM}_+=,.@-`;
const userArn = fc.tuple(partition, account, text(ROLE_NAME, 1, 512)).map(([p, a, name]) => `arn:${p}:iam::${a}:user/${name}`);
const assumedRoleArn = fc
  .tuple(partition, account, text(SESSION_NAME, 1, 64), text(SESSION_NAME, 2, 64))
  .map(([p, a, role, session]) => `arn:${p}:sts::${a}:assumed-role/${role}/${session}`);
const provisionedProductId = text(`${ALNUM}_-`, 1, 100);

const provisionedProduct = record(
  {
    provisionedProductId,
    properties: fc.oneof(
      record({ LAUNCH_ROLE: roleArn }, ['LAUNCH_ROLE']),
      record({ OWNER: fc.oneof(userArn, roleArn, assumedRoleArn) }, ['OWNER']),
      record({ LAUNCH_ROLE: roleArn, OWNER: fc.oneof(userArn, roleArn, assumedRoleArn) }, ['LAUNCH_ROLE', 'OWNER']),
    ),
    acceptLanguage,
    requestId,
  },
  ['provisionedProductId', 'properties'],
);

// ---- Breaking one field ----

function provisionedProductBreaks(request: Detail): Break[] {
  const arnRule = (suffix: string, bad: string[]): StringRule => ({ max: MAX_PROPERTY_VALUE_LENGTH, ofLength: roleArnOfLength(suffix), bad: fc.constantFrom(...bad) });
  return [
    ...stringBreaks(request, ['provisionedProductId'], { required: true, min: 1, max: 100, bad: fc.constantFrom('pp!', 'pp 1', 'pp/1', 'pp.1') }),
    { field: 'properties', what: 'missing', detail: fc.constant(withoutAt(request, ['properties'])) },
    { field: 'properties', what: 'wrong type (arrays too)', detail: wrongType('object').map((v) => withAt(request, ['properties'], v)) },
    { field: 'properties', what: 'empty', detail: fc.constant(withAt(request, ['properties'], {})) },
    ...stringBreaks(request, ['properties', 'LAUNCH_ROLE'], arnRule('role/r', ['arn:aws:iam::123456789012:user/alice', 'arn:aws:sts::123456789012:assumed-role/Admin/x', 'role/r'])),
    ...stringBreaks(request, ['properties', 'OWNER'], arnRule('user/u', ['arn:aws:iam::123456789012:group/admins', 'alice', 'arn:aws:sts::123456789012:assumed-role/Admin/x'])),
    ...unknownKeyBreak(request, ['properties'], ['LAUNCH_ROLE', 'OWNER']),
    ...structureBreaks(request, ['properties'], 'OWNER'),
    ...acceptLanguageBreaks(request),
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], ['provisionedProductId', 'properties', 'acceptLanguage', 'requestId']),
  ];
}

// ---- Following a record Shepherd did not start ----

const follow = record({ recordId: text(`${ALNUM}_-`, 1, 100), provisionedProductId, requestId }, ['recordId', 'provisionedProductId']);

function followBreaks(request: Detail): Break[] {
  return [
    ...stringBreaks(request, ['recordId'], { required: true, min: 1, max: 100, bad: fc.constantFrom('rec.1', 'rec 1', 'é', 'rec/1') }),
    ...stringBreaks(request, ['provisionedProductId'], { required: true, min: 1, max: 100, bad: fc.constantFrom('pp team', 'pp.1', 'é') }),
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], ['recordId', 'provisionedProductId', 'requestId']),
    ...structureBreaks(request, [], 'recordId'),
  ];
}

export const kinds: Kind[] = [
  { contract: contracts.provisionedProductPropertiesUpdateRequested, valid: provisionedProduct, breaks: provisionedProductBreaks },
  { contract: contracts.provisionedProductRecordFollowRequested, valid: follow, breaks: followBreaks },
];
