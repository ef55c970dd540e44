import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { clientDefaults } from './defaults';

/** The production ServiceCatalogClient: a function that names this factory in defineHandler's `clients` bundles this SDK package, and no other function does. */
export const serviceCatalog = (): ServiceCatalogClient => new ServiceCatalogClient(clientDefaults);
