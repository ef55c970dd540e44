import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { boundedText } from '../json';
import { noLedger, type Ledger } from './ledger';
import { productionPorts, type Ports } from './ports';

export type DomainHandler<E, R> = (event: E, ports: Ports) => Promise<R>;
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

/**
 * Wraps a domain function as a Lambda handler: middy with the Powertools
 * logger (every log line carries the requestId). `handler` is what Lambda
 * runs, with production ports built on first use and reused; `build` lets
 * tests and the local stack bind the same code to other ports.
 */
export interface HandlerOptions {
  /** The ledger implementation this function uses (e.g. dynamoLedger); functions without one cannot use ports.ledger. */
  ledger?: (ports: Ports) => Ledger;
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

export function defineHandler<E, R>(fn: DomainHandler<E, R>, options: HandlerOptions = {}) {
  const build = (given: Ports): LambdaHandler<E, R> => {
    // Ports that already carry a ledger (unit tests' in-memory one) keep it. The rest is inherited, not
    // copied, so clients the ports build on first use stay unbuilt until the function calls them.
    const ports: Ports = given.ledger === noLedger && options.ledger ? Object.create(given, { ledger: { value: options.ledger(given), enumerable: true } }) : given;
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
    production ??= build(productionPorts());
    return production(event, context);
  };
  return { handler, build };
}
