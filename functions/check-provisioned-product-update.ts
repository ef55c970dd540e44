import { serviceCatalog } from '../shared/runtime/clients/service-catalog';
import { defineHandler } from '../shared/runtime/lambda';
import type { PropertiesUpdateState } from '../shared/provisioned-product/model';
import { checkPropertiesUpdate } from '../shared/provisioned-product/update';

/** Task `Check Record Status`: one DescribeRecord. */
export const { handler, build, clients } = defineHandler((state: PropertiesUpdateState, ports) => checkPropertiesUpdate(state, ports), { clients: { serviceCatalog } });
