import { PartnerCentralChannelClient } from '@aws-sdk/client-partnercentral-channel';
import { clientDefaults } from './defaults';

/** The production PartnerCentralChannelClient: a function that names this factory in defineHandler's `clients` bundles this SDK package, and no other function does. */
// Partner Central Channel is served from us-east-1 only.
export const partnerCentral = (): PartnerCentralChannelClient => new PartnerCentralChannelClient({ ...clientDefaults, region: 'us-east-1' });
