import { serviceCatalogWith } from '../../runtime/clients/service-catalog';
import { sts } from '../../runtime/clients/sts';
import { defineHandler } from '../../runtime/lambda';
import { acceptOnRecipientsBehalf } from '../accept';
import type { ShareWorkflowState } from '../model';

/** Task `Accept In The Recipient Account`: acceptOnBehalf, as the stage's spoke role in the recipient account. */
export const { handler, build, clients } = defineHandler((state: ShareWorkflowState, ports) => acceptOnRecipientsBehalf(state, ports), { clients: { sts, serviceCatalogWith } });
