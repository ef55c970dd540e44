/**
 * Helpers for the round-4 attack files (emulators held to AWS's documented and observed behaviour). Not a test file.
 *
 * `serve` puts chosen emulators behind one AwsServer (so every call goes through the real SDK v3 clients and the
 * vendored-model input check, exactly as on the local stack), each emulator reading a hand-driven clock: a test
 * moves time with `clock.advance(seconds)` instead of waiting for the virtual clock to jump.
 */
import { AwsServer, type ServiceOperations } from '../../local/emulators/aws-server';
import { VirtualClock } from '../../local/emulators/clock';

export const T0 = new Date('2026-11-25T09:00:00.000Z');
export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';

/** A clock the test moves by hand. */
export interface ManualClock {
  now(): Date;
  advance(seconds: number): void;
}

export function manualClock(start = T0): ManualClock {
  let t = start.getTime();
  return { now: () => new Date(t), advance: (seconds: number) => void (t += seconds * 1000) };
}

export interface Served {
  server: AwsServer;
  url: string;
  stop(): Promise<void>;
}

/** One AwsServer answering the given X-Amz-Target prefixes with the given emulator operations. */
export async function serve(services: Record<string, ServiceOperations>): Promise<Served> {
  const virtual = new VirtualClock({ start: T0, speed: 'max' });
  const server = new AwsServer(virtual);
  for (const [prefix, operations] of Object.entries(services)) server.register(prefix, operations);
  const url = await server.start();
  return {
    server,
    url,
    stop: async () => {
      await server.stop();
      virtual.stop();
    },
  };
}

/** Options for an SDK v3 client pointed at a served emulator, signing with `accessKeyId`, without SDK retries. */
export function clientConfig(url: string, accessKeyId = 'AKIAADMINISTRATOR') {
  return { endpoint: url, region: REGION, maxAttempts: 1, credentials: { accessKeyId, secretAccessKey: 'x' } };
}

/** The exception name a call is refused with, or 'no refusal' (and the answer) when it succeeds. */
export async function outcome<T>(call: Promise<T>): Promise<{ refusal: string; answer?: T; message?: string; error?: Record<string, unknown> }> {
  try {
    return { refusal: 'no refusal', answer: await call };
  } catch (error) {
    return { refusal: (error as Error).name, message: (error as Error).message, error: error as Record<string, unknown> };
  }
}
