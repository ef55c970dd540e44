import { ShepherdError } from './errors';

/**
 * "Not yet": the event cannot be handled now but will be once something
 * else has happened (a cancel whose request has not reached Cloud Control).
 * The intake keeps the event and tries again later; it is not a fault.
 */
export class RetryLater extends ShepherdError {
  override readonly name = 'RetryLater';
}
