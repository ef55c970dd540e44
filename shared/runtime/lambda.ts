import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { boundedText } from '../json';
import { systemClock } from './clock';
import { configFromEnv } from './config';
import { noLedger, type Ledger } from './ledger';
import { realSleep, type Basics, type ClientName, type Clients, type Uses } from './ports';

export type DomainHandler<E, R, K extends ClientName> = (event: E, ports: Uses<K>) => Promise<R>;
export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;

/** The request id of whatever reaches a handler: workflow state, or an EventBridge event. */
function requestIdOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as { requestId?: unknown; detail?: { requestId?: unknown }; id?: unknown };
  for (const candidate of [e.requestId, e.detail?.requestId, e.id]) {
    if (typeof candidate === 'string') return boundedText(candidate);
  }
  return undefined;
}

export interface HandlerOptions<K extends ClientName> {
  /**
   * The production factory of each client the function calls
   * (shared/runtime/clients/): the bundle carries these SDK packages and no
   * others, and the domain function's ports hold exactly these clients.
   */
  clients: { [C in K]: () => Clients[C] };
  /** The ledger implementation this function uses (e.g. dynamoLedger); functions without one cannot use ports.ledger. */
  ledger?: (ports: NoInfer<Uses<K>>) => Ledger;
}

/**
 * The longest message an error leaving a handler keeps. Step Functions puts
 * a caught error's cause into the state (ResultPath $.failure): whatever a
 * service said must not be what pushes a state past 256 KiB.
 */
export const MAX_ERROR_MESSAGE_LENGTH = 2048;

function bounded(error: unknown): unknown {
  if (error instanceof Error && error.message.length > MAX_ERROR_MESSAGE_LENGTH) {
    error.message = `${error.message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…`;
  }
  return error;
}

/** Production ports: the function's own clients, built on first use, and the basics. */
function productionPorts<K extends ClientName>(clients: HandlerOptions<K>['clients'], env: NodeJS.ProcessEnv = process.env): Uses<K> {
  const basics: Basics = {
    ledger: noLedger,
    clock: systemClock,
    random: Math.random,
    sleep: realSleep,
    config: configFromEnv(env),
    logger: new Logger({ serviceName: 'shepherd' }),
    invocation: { remainingMs: () => 30_000 },
  };
  const ports = basics as Uses<K>;
  for (const [name, build] of Object.entries(clients) as Array<[K, () => Clients[K]]>) {
    let client: Clients[K] | undefined;
    Object.defineProperty(ports, name, { enumerable: true, get: () => (client ??= build()) });
  }
  return ports;
}

/**
 * Wraps a domain function as a Lambda handler: middy with the Powertools
 * logger (every log line carries the requestId). `handler` is what Lambda
 * runs, with production ports built on first use and reused; `build` lets
 * tests and the local stack bind the same code to other ports (any ports
 * that hold at least the function's clients).
 */
export function defineHandler<E, R, K extends ClientName = never>(fn: DomainHandler<E, R, K>, options: HandlerOptions<K>) {
  const build = (given: Uses<K>): LambdaHandler<E, R> => {
    // Ports that already carry a ledger (unit tests' in-memory one) keep it. The rest is inherited, not
    // copied, so clients the ports build on first use stay unbuilt until the function calls them.
    const ports: Uses<K> = given.ledger === noLedger && options.ledger ? Object.create(given, { ledger: { value: options.ledger(given), enumerable: true } }) : given;
    return middy(async (event: E, context: Context) => {
      ports.invocation.remainingMs = () => context.getRemainingTimeInMillis();
      const requestId = requestIdOf(event);
      if (requestId) ports.logger.appendKeys({ requestId });
      try {
        return await fn(event, ports);
      } catch (error) {
        throw bounded(error);
      }
    }).use(injectLambdaContext(ports.logger, { resetKeys: true }));
  };

  let production: LambdaHandler<E, R> | undefined;
  const handler: LambdaHandler<E, R> = (event, context) => {
    production ??= build(productionPorts(options.clients));
    return production(event, context);
  };
  /** The clients this function was declared with (the local stack and the packaging tests read them). */
  const clients = Object.keys(options.clients) as K[];
  return { handler, build, clients };
}
