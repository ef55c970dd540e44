import { serviceCatalog } from '../shared/runtime/clients/service-catalog';
import { defineHandler } from '../shared/runtime/lambda';
import type { PropertiesUpdateState } from '../shared/provisioned-product/model';
import { startPropertiesUpdate } from '../shared/provisioned-product/update';

/** Task `Update Provisioned Product Properties`: the API call, with an IdempotencyToken derived from the request id. */
export const { handler, build, clients } = defineHandler((state: PropertiesUpdateState, ports) => startPropertiesUpdate(state, ports), { clients: { serviceCatalog } });
