/** Time as a port: Lambdas read the system clock, the local stack a virtual one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** RFC 3339 with `T` and `Z`, as Step Functions Wait.TimestampPath requires. */
export function toTimestamp(date: Date): string {
  return date.toISOString();
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
