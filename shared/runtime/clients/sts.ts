import { STSClient } from '@aws-sdk/client-sts';
import { clientDefaults } from './defaults';

/** The production STSClient: a function that names this factory in defineHandler's `clients` bundles this SDK package, and no other function does. */
export const sts = (): STSClient => new STSClient(clientDefaults);
