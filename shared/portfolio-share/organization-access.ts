import { ListOrganizationPortfolioAccessCommand } from '@aws-sdk/client-service-catalog';
import { asTransient, isTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { nodeId, type ShareWorkflowState } from './model';

/** Whether the node is among those ListOrganizationPortfolioAccess lists for the portfolio, once the share action ended. */
export interface NodeAccess {
  nodeAccess: 'PRESENT' | 'ABSENT';
}


/**
 * After an organization-node share or delete: is the node's access now there
 * or gone, as the service lists it? ListOrganizationPortfolioAccess for the
 * node's type, every page (at most 20 nodes a page: botocore's PageSize
 * 0..20). What the action reported and what the portfolio's access shows are
 * two facts; the completion gives both.
 */
export async function readOrganizationAccess(state: ShareWorkflowState, ports: Uses<'serviceCatalog'>): Promise<NodeAccess> {
  const node = state.request.organizationNode;
  if (!node) return { nodeAccess: 'ABSENT' };
  const wanted = nodeId(node.value);
  let token: string | undefined;
  try {
    do {
      const page = await ports.serviceCatalog.send(
        new ListOrganizationPortfolioAccessCommand({ PortfolioId: state.request.portfolioId, OrganizationNodeType: node.type, PageSize: 20, PageToken: token }),
      );
      if ((page.OrganizationNodes ?? []).some((n) => n.Value !== undefined && nodeId(n.Value) === wanted)) return { nodeAccess: 'PRESENT' };
      token = page.NextPageToken || undefined;
    } while (token);
  } catch (error) {
    throw isTransient(error) ? asTransient(error) : error;
  }
  return { nodeAccess: 'ABSENT' };
}
