/**
 * Function configuration comes from environment variables set in
 * serverless.yml; the local stack resolves the very same entries.
 */
export interface Config {
  eventBusName: string;
  /** How long an operation may run before Shepherd reports TIMED_OUT. */
  operationTimeoutSeconds: number;
  /** Submissions of one request, the first included, when Cloud Control reports a transient FAILED. */
  maxAttempts: number;
  /** DynamoDB table of the ledger ("do this once"). */
  ledgerTable: string;
  /** Where events that cannot be delivered are parked, with the reason. */
  deadLetterQueueUrl: string;
  /** The queue request events wait in until the intake has handled them. */
  requestQueueUrl: string;
  /** Where requests the intake kept failing on end up (the request queue's redrive target). */
  requestDeadLetterQueueUrl: string;
  /** Every Shepherd state machine (the sweep looks at their closed executions). */
  stateMachineArns: string[];
  /** How long after an execution closed the sweep keeps checking it (by its stop date). */
  sweepLookbackSeconds: number;
  /** The serverless stage: selects the guardrails in config/guardrails.json. */
  stage: string;
  /** The partition and account Shepherd is deployed in: roles are passed only within them. */
  partition: string;
  accountId: string;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    eventBusName: env.EVENT_BUS_NAME ?? '',
    operationTimeoutSeconds: positiveInt(env, 'OPERATION_TIMEOUT_SECONDS', 24 * 3600),
    maxAttempts: positiveInt(env, 'MAX_ATTEMPTS', 4),
    ledgerTable: env.LEDGER_TABLE ?? '',
    deadLetterQueueUrl: env.DEAD_LETTER_QUEUE_URL ?? '',
    requestQueueUrl: env.REQUEST_QUEUE_URL ?? '',
    requestDeadLetterQueueUrl: env.REQUEST_DEAD_LETTER_QUEUE_URL ?? '',
    stateMachineArns: (env.STATE_MACHINE_ARNS ?? '').split(',').filter(Boolean),
    sweepLookbackSeconds: positiveInt(env, 'SWEEP_LOOKBACK_SECONDS', 3 * 24 * 3600),
    stage: env.STAGE ?? 'default',
    partition: env.PARTITION ?? 'aws',
    accountId: env.ACCOUNT_ID ?? '',
  };
}

export function required(value: string, name: string): string {
  if (!value) throw new Error(`${name} is not configured`);
  return value;
}
