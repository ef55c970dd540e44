import { storeDocument } from '../runtime/documents';
import type { Ports } from '../runtime/ports';
import type { ResourceOperationBody, ResourceOperationRequestBody } from './model';

/**
 * What ingest hands the workflow instead of the request: its desired state
 * or patch document stored aside, as the exact JSON text Cloud Control will
 * get, and referenced.
 */
export async function carryDocuments(request: ResourceOperationRequestBody, requestId: string, ports: Ports): Promise<ResourceOperationBody> {
  switch (request.operation) {
    case 'CREATE': {
      const { desiredState, ...rest } = request;
      return { ...rest, desiredStateRef: await storeDocument(requestId, JSON.stringify(desiredState), ports) };
    }
    case 'UPDATE': {
      const { patchDocument, ...rest } = request;
      return { ...rest, patchDocumentRef: await storeDocument(requestId, JSON.stringify(patchDocument), ports) };
    }
    case 'DELETE':
      return request;
  }
}
