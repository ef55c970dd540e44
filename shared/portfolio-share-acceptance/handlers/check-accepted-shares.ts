import { serviceCatalogWith } from '../../runtime/clients/service-catalog';
import { sts } from '../../runtime/clients/sts';
import { defineHandler } from '../../runtime/lambda';
import { checkAcceptedShares, type AcceptanceState } from '../acceptance';

/** Task `Check The Accepted Shares`: in the recipient account, as the stage's spoke role (a session of its own). */
export const { handler, build, clients } = defineHandler((state: AcceptanceState, ports) => checkAcceptedShares(state, ports), { clients: { sts, serviceCatalogWith } });
