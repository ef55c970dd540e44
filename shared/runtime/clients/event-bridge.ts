import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { clientDefaults } from './defaults';

/** The production EventBridgeClient: a function that names this factory in defineHandler's `clients` bundles this SDK package, and no other function does. */
export const eventBridge = (): EventBridgeClient => new EventBridgeClient(clientDefaults);
