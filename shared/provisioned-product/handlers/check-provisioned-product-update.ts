import { serviceCatalog } from '../../runtime/clients/service-catalog';
import { defineHandler } from '../../runtime/lambda';
import type { PropertiesUpdateState } from '../model';
import { checkPropertiesUpdate } from '../update';

/** Task `Check Record Status`: one DescribeRecord. */
export const { handler, build, clients } = defineHandler((state: PropertiesUpdateState, ports) => checkPropertiesUpdate(state, ports), { clients: { serviceCatalog } });
