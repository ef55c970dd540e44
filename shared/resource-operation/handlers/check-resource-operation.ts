import { cloudControl } from '../../runtime/clients/cloud-control';
import { defineHandler } from '../../runtime/lambda';
import { checkResourceOperation, followResourceOperation, type CheckInput, type FollowInput } from '../check';

/**
 * Tasks `Check Operation Status` (one GetResourceRequestStatus, and what to do next) and `Follow The Operation`
 * (the first look at an operation Shepherd did not start): the same one API call, so one function and one role.
 */
export const { handler, build, clients } = defineHandler(
  (input: CheckInput | FollowInput, ports) => ('follow' in input ? followResourceOperation(input, ports) : checkResourceOperation(input, ports)),
  { clients: { cloudControl } },
);
