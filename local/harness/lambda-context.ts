import type { Context } from 'aws-lambda';

/** The Context a Lambda handler receives, for invoking handlers outside Lambda (local stack, tests). */
export function lambdaContext(
  functionName: string,
  invokedFunctionArn: string,
  options: { awsRequestId?: string; timeoutMs?: number; remainingMs?: () => number } = {},
): Context {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn,
    memoryLimitInMB: '256',
    awsRequestId: options.awsRequestId ?? crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: options.remainingMs ?? (() => options.timeoutMs ?? 30_000),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
