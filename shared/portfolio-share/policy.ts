/** Failed accounts announced per invocation of the fan-out Lambda: 50 full PutEvents calls. */
export const ANNOUNCE_PAGE_SIZE = 500;

/** Invocations in a row that may leave refused events pending before they are reported as not delivered. */
export const MAX_REFUSED_ROUNDS = 3;

/** Error groups kept in the state and the completion event; the rest are folded into the last one. */
export const MAX_FAILURE_GROUPS = 25;
