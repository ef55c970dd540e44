import { serviceCatalogWith } from '../../runtime/clients/service-catalog';
import { sts } from '../../runtime/clients/sts';
import { defineHandler } from '../../runtime/lambda';
import { answerShareOffer, type AcceptanceState } from '../acceptance';

/** Task `Answer The Share Offer`: in the recipient account, as the stage's spoke role (a session of its own). */
export const { handler, build, clients } = defineHandler((state: AcceptanceState, ports) => answerShareOffer(state, ports), { clients: { sts, serviceCatalogWith } });
