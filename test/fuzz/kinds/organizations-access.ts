/**
 * The request kind of the organizations-access workflow (shared/organizations-access/), for the request-validation
 * fuzz tier (../request-validation.test.ts): Organizations Access Change Requested.
 */
import fc from 'fast-check';
import { contracts } from '../../../shared/contracts/events';
import { type Break, type Detail, type Kind, record, requestId, requestIdRule, stringBreaks, structureBreaks, unknownKeyBreak, withAt, withoutAt, wrongType } from './support';

// ---- Valid requests ----

const organizationsAccess = record({ enable: fc.boolean(), requestId }, ['enable']);

// ---- Breaking one field ----

function organizationsAccessBreaks(request: Detail): Break[] {
  return [
    { field: 'enable', what: 'missing', detail: fc.constant(withoutAt(request, ['enable'])) },
    { field: 'enable', what: 'wrong type', detail: wrongType('boolean').map((v) => withAt(request, ['enable'], v)) },
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], ['enable', 'requestId']),
    ...structureBreaks(request, [], 'enable'),
  ];
}

export const kinds: Kind[] = [{ contract: contracts.organizationsAccessChangeRequested, valid: organizationsAccess, breaks: organizationsAccessBreaks }];
