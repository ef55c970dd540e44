import type { Context } from 'aws-lambda';

/** The Context a Lambda handler receives, for invoking handlers outside Lambda (local stack, tests). */
export function lambdaContext(functionName: string, invokedFunctionArn: string): Context {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn,
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
