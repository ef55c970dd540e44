import { serviceCatalog } from '../../runtime/clients/service-catalog';
import { defineHandler } from '../../runtime/lambda';
import type { ShareWorkflowState } from '../model';
import { readOrganizationAccess } from '../organization-access';

/** Task `Read Organization Access`: after a node share or delete, whether the node's access is listed. */
export const { handler, build, clients } = defineHandler((state: ShareWorkflowState, ports) => readOrganizationAccess(state, ports), { clients: { serviceCatalog } });
