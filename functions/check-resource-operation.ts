import { cloudControl } from '../shared/runtime/clients/cloud-control';
import { defineHandler } from '../shared/runtime/lambda';
import { checkResourceOperation, type CheckInput } from '../shared/resource-operation/check';

/** Task `Check Operation Status`: one GetResourceRequestStatus, and what to do next. */
export const { handler, build, clients } = defineHandler((input: CheckInput, ports) => checkResourceOperation(input, ports), { clients: { cloudControl } });
