import { CloudControlClient } from '@aws-sdk/client-cloudcontrol';
import { clientDefaults } from './defaults';

/** The production CloudControlClient: a function that names this factory in defineHandler's `clients` bundles this SDK package, and no other function does. */
export const cloudControl = (): CloudControlClient => new CloudControlClient(clientDefaults);
