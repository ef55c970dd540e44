/**
 * The ledger in DynamoDB.
 *
 * The ledger: "do this once" across retries, redeliveries and concurrent
 * invocations. Step Functions retries a Task whose Lambda timed out after
 * its side effect; EventBridge delivers events more than once; the
 * terminal-event rescue and the sweep may race the workflow. Each of those
 * side effects runs through `once(key, fn)`: the first caller records
 * IN_PROGRESS with a lease, runs `fn`, and records DONE with the result;
 * later callers get the recorded result without running `fn` again. A
 * caller that finds another's unexpired lease backs off (a transient error
 * the workflow retries); an expired lease — a crashed caller — is taken over.
 *
 * Stored in DynamoDB (one item per key, conditional writes, TTL), the way
 * Powertools' idempotency utility does it.
 */
import { DeleteItemCommand, GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { TransientServiceError, asTransient, isTransient } from './errors';
import type { Clock } from './clock';
import { DYNAMODB_REQUEST_TIMEOUT_MS, SDK_REQUEST_TIMEOUT_MS } from './clients/defaults';
import type { Ledger } from './ledger';
import type { Uses } from './ports';

/** How long an IN_PROGRESS claim holds before another caller may take over: just over the longest Lambda timeout (110 s). */
export const LEASE_SECONDS = 120;
/** Records outlive every redelivery and retry (and execution-name reuse, 90 days). */
export const RETENTION_SECONDS = 120 * 24 * 3600;
/** Tries per ledger write, each with the SDK's own retries inside. */
const WRITE_ATTEMPTS = 5;
/**
 * The write that records a side effect DONE keeps trying while the
 * invocation has time, less this margin to return in: until it lands, a
 * retry after the lease could repeat the side effect. Under a storm that
 * throttles 80 % of calls, five tries failed about one such write in thirty;
 * a tries a second for the rest of a 30 s invocation fail one in millions.
 */
const RETURN_MARGIN_MS = 3_000;
/** The longest one try can take: three SDK attempts that each time out, with its backoff between. */
const WORST_TRY_MS = 3 * DYNAMODB_REQUEST_TIMEOUT_MS + 1_500;
/** And at most this long, whatever the function's timeout. */
const MAX_DONE_WRITE_MS = 60_000;
/** How long a claim keeps trying: before the side effect, giving up costs only a retry. */
const CLAIM_BUDGET_MS = 3_000;
/**
 * What a side effect needs once claimed: one call at its worst (three SDK
 * tries of 5 s, and back-off), one DONE try at its worst, and the margin to
 * return. A claim that leaves less is given back.
 */
const TIME_FOR_WORK_MS = 3 * SDK_REQUEST_TIMEOUT_MS + 2_000 + WORST_TRY_MS + RETURN_MARGIN_MS;

export class DynamoLedger implements Ledger {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly sleep: (ms: number) => Promise<void> = async () => undefined,
    /** The invocation's remaining time: how long a DONE write may keep trying. */
    private readonly remainingMs: () => number = () => 60_000,
  ) {}

  /**
   * A ledger write, tried harder than an ordinary call: a claim left behind
   * or a DONE not recorded costs a lease of waiting or a repeated side effect.
   */
  private async write(command: PutItemCommand | DeleteItemCommand, budgetMs?: number): Promise<void> {
    // Never start a try that could still be running when the invocation must return: killed mid-write, an
    // invocation leaves a claim behind, or its Task is retried with a side effect unrecorded.
    const lastStart = this.clock.now().getTime() + Math.min(budgetMs ?? Number.POSITIVE_INFINITY, this.remainingMs() - RETURN_MARGIN_MS - WORST_TRY_MS);
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1 || budgetMs === undefined) {
        if (this.clock.now().getTime() > lastStart) throw new TransientServiceError('too little time left in this invocation for a ledger write');
      }
      try {
        await this.client.send(command as PutItemCommand);
        return;
      } catch (error) {
        const outOfTries = budgetMs === undefined && attempt >= WRITE_ATTEMPTS;
        if (!isTransient(error) || outOfTries || this.clock.now().getTime() > lastStart) throw error;
        await this.sleep(Math.min(1000, 50 * 2 ** attempt));
      }
    }
  }

  async lookup<T>(key: string): Promise<{ done: true; value: T } | { done: false }> {
    const item = await this.get(key);
    return item?.state?.S === 'DONE' ? { done: true, value: JSON.parse(item.result?.S ?? 'null') as T } : { done: false };
  }

  async once<T>(key: string, fn: () => Promise<T>): Promise<{ value: T; firstTime: boolean }> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    if (this.remainingMs() < TIME_FOR_WORK_MS) {
      // Whatever is recorded already is an answer; nothing new is started this late.
      const existing = await this.lookup<T>(key);
      if (existing.done) return { value: existing.value, firstTime: false };
      throw new TransientServiceError(`too little time left to do "${key}" and record it; a retry will`);
    }
    try {
      await this.write(
        this.put(key, { state: { S: 'IN_PROGRESS' }, leaseUntil: { N: String(now + LEASE_SECONDS) } }, now, {
          // Free, or claimed by a caller whose lease ran out (it crashed).
          ConditionExpression: 'attribute_not_exists(#key) OR (#state = :inProgress AND #leaseUntil < :now)',
          ExpressionAttributeNames: { '#key': 'key', '#state': 'state', '#leaseUntil': 'leaseUntil' },
          ExpressionAttributeValues: { ':inProgress': { S: 'IN_PROGRESS' }, ':now': { N: String(now) } },
        }),
        // Claiming gives up soon (nothing is done yet: the caller retries with its back-off), and may take only
        // what leaves the work, and recording it, their time.
        Math.max(0, Math.min(CLAIM_BUDGET_MS, this.remainingMs() - TIME_FOR_WORK_MS)),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw asTransient(error);
      const existing = await this.lookup<T>(key);
      if (existing.done) return { value: existing.value, firstTime: false };
      throw new TransientServiceError(`"${key}" is being done by another invocation`, { cause: error });
    }
    // A side effect started now must have time to finish and be recorded before the invocation ends: killed in
    // between, it would be repeated after the lease. Too late: give the claim back and let a fresh one do it.
    if (this.remainingMs() < TIME_FOR_WORK_MS) {
      await this.release(key);
      throw new TransientServiceError(`too little time left to do "${key}" and record it; a retry will`);
    }
    let value: T;
    try {
      value = await fn();
    } catch (error) {
      // Nothing was done (or the caller will find out on retry): release the claim so a retry need not wait for the lease.
      await this.release(key);
      throw error;
    }
    try {
      // No try is started that could still be running when the invocation must return.
      const budget = Math.min(MAX_DONE_WRITE_MS, this.remainingMs() - RETURN_MARGIN_MS - WORST_TRY_MS);
      await this.write(this.put(key, { state: { S: 'DONE' }, result: { S: JSON.stringify(value ?? null) } }, now), Math.max(0, budget));
    } catch (error) {
      // The side effect happened: failing now would make the caller retry it. Report it done and
      // let the caller carry the result on (in the workflow's state); only a later caller that finds
      // the claim's lease run out could repeat it — the one window where "once" becomes "at least once".
      this.onUnrecorded(key, error);
    }
    return { value, firstTime: true };
  }

  async mark<T>(key: string, value: T, at: number): Promise<void> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    try {
      await this.write(
        this.put(key, { state: { S: 'DONE' }, result: { S: JSON.stringify(value ?? null) }, at: { N: String(at) } }, now, {
          ConditionExpression: 'attribute_not_exists(#key) OR #at < :at',
          ExpressionAttributeNames: { '#key': 'key', '#at': 'at' },
          ExpressionAttributeValues: { ':at': { N: String(at) } },
        }),
      );
    } catch (error) {
      // A later mark is there already: it stands.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw asTransient(error);
    }
  }

  async claim<T>(key: string, value: T): Promise<T> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    try {
      await this.write(
        this.put(key, { state: { S: 'DONE' }, result: { S: JSON.stringify(value ?? null) } }, now, {
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': 'key' },
        }),
      );
      return value;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw asTransient(error);
      // Someone's value is there: the first claimant's — ours, when an earlier answer of this very write was lost.
      const existing = await this.lookup<T>(key);
      if (existing.done) return existing.value;
      throw new TransientServiceError(`"${key}" is held by an unfinished claim`, { cause: error });
    }
  }

  /** Gives a claim back, best effort: left behind, it still expires with its lease. */
  private async release(key: string): Promise<void> {
    await this.write(
      new DeleteItemCommand({
        TableName: this.table,
        Key: { key: { S: key } },
        ConditionExpression: '#state = :inProgress',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':inProgress': { S: 'IN_PROGRESS' } },
      }),
    ).catch(() => undefined);
  }

  /** Called when a DONE could not be recorded (logged by the factory below). */
  onUnrecorded: (key: string, error: unknown) => void = () => undefined;

  /** A ledger item: the key, its fields, and when DynamoDB may forget it. */
  private put(key: string, fields: Record<string, AttributeValue>, now: number, condition: Partial<PutItemCommandInput> = {}): PutItemCommand {
    return new PutItemCommand({
      TableName: this.table,
      Item: { key: { S: key }, ...fields, expiresAt: { N: String(now + RETENTION_SECONDS) } },
      ...condition,
    });
  }

  private async get(key: string) {
    try {
      const { Item } = await this.client.send(new GetItemCommand({ TableName: this.table, Key: { key: { S: key } }, ConsistentRead: true }));
      return Item;
    } catch (error) {
      throw asTransient(error);
    }
  }
}


/** For `defineHandler(fn, { ledger: dynamoLedger })`: functions that need the ledger say so, and only they bundle it. */
export function dynamoLedger(ports: Uses<'dynamodb'>): Ledger {
  if (!ports.config.ledgerTable) throw new Error('LEDGER_TABLE is not configured for this function');
  const ledger = new DynamoLedger(ports.dynamodb, ports.config.ledgerTable, ports.clock, ports.sleep, () => ports.invocation.remainingMs());
  ledger.onUnrecorded = (key, error) =>
    ports.logger.error('Done, but not recorded in the ledger: a retry after the lease could repeat it', { key, error: (error as Error).name });
  return ledger;
}
