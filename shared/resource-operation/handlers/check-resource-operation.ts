import { cloudControl } from '../../runtime/clients/cloud-control';
import { defineHandler } from '../../runtime/lambda';
import { checkResourceOperation, type CheckInput } from '../check';

/** Task `Check Operation Status`: one GetResourceRequestStatus, and what to do next. */
export const { handler, build, clients } = defineHandler((input: CheckInput, ports) => checkResourceOperation(input, ports), { clients: { cloudControl } });
