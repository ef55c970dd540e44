import { guardrailsFor } from '../guardrails';
import { storeDocument } from '../runtime/documents';
import type { Uses } from '../runtime/ports';
import { cloudControlAllowlist, executionRoleArn } from './allowlist';
import type { ResourceOperationBody, ResourceOperationRequestBody } from './model';

/**
 * What ingest hands the workflow instead of the request: its desired state
 * or patch document stored aside, as the exact JSON text Cloud Control will
 * get, and referenced; and the role Cloud Control will act as, the stage's
 * default when the request names none (so the execution's input shows it).
 */
export async function carryDocuments(request: ResourceOperationRequestBody, requestId: string, ports: Uses<'dynamodb'>): Promise<ResourceOperationBody> {
  const where = { partition: ports.config.partition, accountId: ports.config.accountId };
  const roleArn = executionRoleArn(request.roleArn, cloudControlAllowlist.of(guardrailsFor(ports.config.stage)), where);
  const withRole = <T extends object>(body: T) => (roleArn === undefined ? body : { ...body, roleArn });
  switch (request.operation) {
    case 'CREATE': {
      const { desiredState, ...rest } = request;
      return withRole({ ...rest, desiredStateRef: await storeDocument(requestId, JSON.stringify(desiredState), ports) });
    }
    case 'UPDATE': {
      const { patchDocument, ...rest } = request;
      return withRole({ ...rest, patchDocumentRef: await storeDocument(requestId, JSON.stringify(patchDocument), ports) });
    }
    case 'DELETE':
      return withRole(request);
  }
}
