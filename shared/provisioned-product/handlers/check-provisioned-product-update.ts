import { serviceCatalog } from '../../runtime/clients/service-catalog';
import { defineHandler } from '../../runtime/lambda';
import type { PropertiesUpdateState } from '../model';
import { checkPropertiesUpdate, followRecord, type FollowRecordInput } from '../update';

/** Tasks `Check Record Status` (one DescribeRecord) and `Follow The Record` (the first look at a record Shepherd did not start). */
export const { handler, build, clients } = defineHandler(
  (input: PropertiesUpdateState | FollowRecordInput, ports) => ('follow' in input ? followRecord(input, ports) : checkPropertiesUpdate(input, ports)),
  { clients: { serviceCatalog } },
);
