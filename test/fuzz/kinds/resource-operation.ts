/**
 * The request kinds of the resource-operation workflow (shared/resource-operation/), for the request-validation
 * fuzz tier (../request-validation.test.ts): Resource Operation Requested (CREATE, UPDATE, DELETE) and its cancel.
 */
import fc from 'fast-check';
import { MAX_DESIRED_STATE_LENGTH, MAX_PATCH_DOCUMENT_LENGTH } from '../../../shared/contracts/constraints';
import { contracts } from '../../../shared/contracts/events';
import {
  ALNUM,
  type Break,
  CONTROL,
  type Detail,
  fieldName,
  jsonKey,
  jsonMember,
  type Kind,
  type Path,
  printable,
  printableUnit,
  record,
  requestId,
  requestIdRule,
  roleArn,
  roleArnOfLength,
  spoil,
  stringBreaks,
  structureBreaks,
  text,
  unknownKeyBreak,
  withAt,
  withoutAt,
  wrongType,
} from './support';

// ---- Valid requests ----

const typeName = fc.tuple(text(ALNUM, 2, 64), text(ALNUM, 2, 64), text(ALNUM, 2, 64)).map((parts) => parts.join('::'));
const typeVersionId = text(`${ALNUM}-`, 1, 128);
const identifier = printable(1, 1024);

/** An object of `members` whose JSON text is exactly `length` characters (a string member pads it). */
function padded(members: Detail, key: string, length: number): Detail {
  const base = JSON.stringify({ ...members, [key]: '' }).length;
  return { ...members, [key]: 'x'.repeat(length - base) };
}

const desiredState = fc.oneof(
  { weight: 20, arbitrary: fc.dictionary(jsonKey, jsonMember, { maxKeys: 5, noNullPrototype: true }) },
  { weight: 1, arbitrary: fc.dictionary(jsonKey, jsonMember, { maxKeys: 2, noNullPrototype: true }).map((m) => padded(m, 'Padding', MAX_DESIRED_STATE_LENGTH)) },
);

/** JSON Pointer tokens: any text, "~" and "/" written ~0 and ~1. */
const pointerToken = fc.array(fc.oneof(fc.constantFrom('~0', '~1'), printableUnit.filter((c) => c !== '~' && c !== '/')), { maxLength: 8 }).map((t) => t.join(''));
const pointer = fc.oneof(
  { weight: 10, arbitrary: fc.array(pointerToken, { maxLength: 4 }).map((tokens) => tokens.map((t) => `/${t}`).join('')) },
  { weight: 1, arbitrary: fc.constant(`/${'p'.repeat(1023)}`) }, // 1,024 characters: the longest
);
const patchOperation = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'replace', 'test'), path: pointer, value: jsonMember }),
  fc.record({ op: fc.constant('remove'), path: pointer }),
  fc.record({ op: fc.constantFrom('move', 'copy'), from: pointer, path: pointer }),
);
const patchDocument = fc.oneof(
  { weight: 20, arbitrary: fc.array(patchOperation, { minLength: 1, maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.array(patchOperation, { maxLength: 2 }).map((ops) => {
      const base = JSON.stringify([...ops, { op: 'add', path: '/Padding', value: '' }]).length;
      return [...ops, { op: 'add', path: '/Padding', value: 'x'.repeat(MAX_PATCH_DOCUMENT_LENGTH - base) }];
    }),
  },
);

const resourceCommon = { typeName, typeVersionId, roleArn, requestId };
const resourceOperation = fc.oneof(
  record({ operation: fc.constant('CREATE'), ...resourceCommon, desiredState }, ['operation', 'typeName', 'desiredState']),
  record({ operation: fc.constant('UPDATE'), ...resourceCommon, identifier, patchDocument }, ['operation', 'typeName', 'identifier', 'patchDocument']),
  record({ operation: fc.constant('DELETE'), ...resourceCommon, identifier }, ['operation', 'typeName', 'identifier']),
);

const cancel = record({ requestId }, ['requestId']);

/** A typeName one past each of its rules (Org::Service::Type, 10-196 characters): the same for every kind that names one. */
const typeNameBreaks = (request: Detail): Break[] =>
  stringBreaks(request, ['typeName'], {
    required: true,
    min: 10,
    max: 196,
    bad: fc.oneof(
      fc.constantFrom('AWS::S3', 'AWS::S3::Bucket::Extra', 'AWS::S-3::Bucket', 'A::S3::Bucket', 'AWS:S3:Bucket', 'AWS::S3::Bucket '),
      text(ALNUM, 65, 65).map((long) => `AWS::${long}::Bucket`),
    ),
  });

// ---- Breaking one field ----

function resourceOperationBreaks(request: Detail): Break[] {
  const operation = request.operation as string;
  const known = ['operation', 'typeName', 'typeVersionId', 'roleArn', 'requestId', ...(operation === 'CREATE' ? ['desiredState'] : ['identifier']), ...(operation === 'UPDATE' ? ['patchDocument'] : [])];
  const breaks: Break[] = [
    ...stringBreaks(request, ['operation'], { required: true, bad: fc.constantFrom('create', 'READ', '', 'UPSERT') }),
    ...typeNameBreaks(request),
    ...stringBreaks(request, ['typeVersionId'], { min: 1, max: 128, bad: fc.constantFrom('v1.0', 'a_b', 'a b', '0000/1') }),
    ...stringBreaks(request, ['roleArn'], {
      min: 20,
      max: 2048,
      ofLength: roleArnOfLength('role/r'),
      bad: fc.oneof(
        fc.constantFrom('arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::12345678901:role/r', 'arn:aws:iam::123456789012:role/', 'arn:aws:sts::123456789012:role/r'),
        fc.constant(`arn:aws:iam::123456789012:role/${'r'.repeat(513)}`),
      ),
    }),
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], known),
    ...structureBreaks(request, [], 'requestId'),
  ];
  if (operation === 'CREATE') {
    breaks.push(
      { field: 'desiredState', what: 'missing', detail: fc.constant(withoutAt(request, ['desiredState'])) },
      { field: 'desiredState', what: 'wrong type (arrays too)', detail: wrongType('object').map((v) => withAt(request, ['desiredState'], v)) },
      { field: 'desiredState', what: `over ${MAX_DESIRED_STATE_LENGTH} characters`, detail: fc.constant(withAt(request, ['desiredState'], padded({}, 'Blob', MAX_DESIRED_STATE_LENGTH + 1))) },
      { field: 'identifier', what: 'a field of another operation', detail: identifier.map((v) => withAt(request, ['identifier'], v)) },
      ...structureBreaks(request, ['desiredState'], 'Tags'),
    );
  } else {
    breaks.push(
      ...stringBreaks(request, ['identifier'], { required: true, min: 1, max: 1024, bad: spoil(request.identifier as string, CONTROL) }),
      { field: 'desiredState', what: 'a field of another operation', detail: fc.constant(withAt(request, ['desiredState'], {})) },
    );
  }
  if (operation === 'UPDATE') {
    const ops = request.patchDocument as Detail[];
    breaks.push(
      { field: 'patchDocument', what: 'missing', detail: fc.constant(withoutAt(request, ['patchDocument'])) },
      { field: 'patchDocument', what: 'wrong type (objects too)', detail: wrongType('array').map((v) => withAt(request, ['patchDocument'], v)) },
      { field: 'patchDocument', what: 'empty', detail: fc.constant(withAt(request, ['patchDocument'], [])) },
      {
        field: 'patchDocument',
        what: `over ${MAX_PATCH_DOCUMENT_LENGTH} characters`,
        detail: fc.constant(
          withAt(request, ['patchDocument'], [{ op: 'add', path: '/Blob', value: 'x'.repeat(MAX_PATCH_DOCUMENT_LENGTH + 1 - JSON.stringify([{ op: 'add', path: '/Blob', value: '' }]).length) }]),
        ),
      },
    );
    ops.forEach((op, i) => {
      const at: Path = ['patchDocument', i];
      breaks.push(
        { field: fieldName([...at, 'op']), what: 'unknown op', detail: fc.constantFrom('merge', 'ADD', '', 7).map((v) => withAt(request, [...at, 'op'], v)) },
        { field: fieldName([...at, 'path']), what: 'not a JSON Pointer', detail: fc.constantFrom('a', '/~2', '~', 'a/b', `/${'p'.repeat(1024)}`, 5).map((v) => withAt(request, [...at, 'path'], v)) },
        { field: fieldName([...at, 'path']), what: 'missing', detail: fc.constant(withoutAt(request, [...at, 'path'])) },
        { field: fieldName([...at, 'extra']), what: 'a member RFC 6902 does not define', detail: fc.constant(withAt(request, [...at, 'extra'], 1)) },
        { field: fieldName(at), what: 'not an object', detail: fc.constantFrom<unknown>('add', null, [], 3).map((v) => withAt(request, at, v)) },
      );
      if ('value' in op) breaks.push({ field: fieldName([...at, 'value']), what: 'missing', detail: fc.constant(withoutAt(request, [...at, 'value'])) });
      if ('from' in op) breaks.push({ field: fieldName([...at, 'from']), what: 'missing', detail: fc.constant(withoutAt(request, [...at, 'from'])) });
    });
  }
  return breaks;
}

function cancelBreaks(request: Detail): Break[] {
  return [...stringBreaks(request, ['requestId'], { ...requestIdRule, required: true }), ...unknownKeyBreak(request, [], ['requestId']), ...structureBreaks(request, [], 'requestId')];
}

// ---- Following an operation Shepherd did not start ----

const requestToken = text(`${ALNUM}-+/=`, 1, 128);
const follow = record({ requestToken, typeName, operation: fc.constantFrom('CREATE', 'UPDATE', 'DELETE'), requestId }, ['requestToken', 'typeName', 'operation']);

function followBreaks(request: Detail): Break[] {
  return [
    ...stringBreaks(request, ['requestToken'], { required: true, min: 1, max: 128, bad: fc.constantFrom('a b', 'tok#1', 'é', '\n') }),
    ...typeNameBreaks(request),
    ...stringBreaks(request, ['operation'], { required: true, bad: fc.constantFrom('create', 'PATCH', '') }),
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], ['requestToken', 'typeName', 'operation', 'requestId']),
    ...structureBreaks(request, [], 'requestToken'),
  ];
}

export const kinds: Kind[] = [
  { contract: contracts.resourceOperationRequested, valid: resourceOperation, breaks: resourceOperationBreaks },
  { contract: contracts.resourceOperationCancelRequested, valid: cancel, breaks: cancelBreaks },
  { contract: contracts.resourceOperationFollowRequested, valid: follow, breaks: followBreaks },
];
