import { serviceCatalog } from '../../runtime/clients/service-catalog';
import { defineHandler } from '../../runtime/lambda';
import type { PropertiesUpdateState } from '../model';
import { startPropertiesUpdate } from '../update';

/** Task `Update Provisioned Product Properties`: the API call, with an IdempotencyToken derived from the request id. */
export const { handler, build, clients } = defineHandler((state: PropertiesUpdateState, ports) => startPropertiesUpdate(state, ports), { clients: { serviceCatalog } });
