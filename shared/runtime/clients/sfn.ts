import { SFNClient } from '@aws-sdk/client-sfn';
import { clientDefaults } from './defaults';

/** The production SFNClient: a function that names this factory in defineHandler's `clients` bundles this SDK package, and no other function does. */
export const sfn = (): SFNClient => new SFNClient(clientDefaults);
