import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import type { SessionCredentials } from '../ports';
import { clientDefaults } from './defaults';

/** The production ServiceCatalogClient: a function that names this factory in defineHandler's `clients` bundles this SDK package, and no other function does. */
export const serviceCatalog = (): ServiceCatalogClient => new ServiceCatalogClient(clientDefaults);

/** Service Catalog clients that sign with a session's credentials (a role assumed in another account), one per session. */
export const serviceCatalogWith =
  () =>
  (credentials: SessionCredentials): ServiceCatalogClient =>
    new ServiceCatalogClient({ ...clientDefaults, credentials });
