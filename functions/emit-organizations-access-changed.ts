import { dynamoLedger } from '../shared/runtime/dynamo-ledger';
import { defineHandler } from '../shared/runtime/lambda';
import { emitOrganizationsAccessChanged } from '../shared/organizations-access/completion';
import type { AccessWorkflowState } from '../shared/organizations-access/model';

/** Task `Emit Access Changed Event`: the request's one Organizations Access Changed event. */
export const { handler, build } = defineHandler((state: AccessWorkflowState, ports) => emitOrganizationsAccessChanged(state, ports), { ledger: dynamoLedger });
