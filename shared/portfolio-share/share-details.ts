import type { ShareDetails } from '@aws-sdk/client-service-catalog';
import { truncate } from '../workflow/failure';
import type { FailureGroup } from './model';
import { MAX_FAILURE_GROUPS } from './policy';

export interface FailedAccount {
  accountId: string;
  error: string;
  message?: string;
}

/**
 * Every failed account once, in account order. An account listed under two
 * errors keeps the first; the order makes pages of the list stable between
 * invocations of the fan-out Lambda.
 */
export function failedAccounts(details: ShareDetails | undefined): FailedAccount[] {
  const byAccount = new Map<string, FailedAccount>();
  for (const group of details?.ShareErrors ?? []) {
    for (const accountId of group.Accounts ?? []) {
      if (!byAccount.has(accountId)) {
        byAccount.set(accountId, { accountId, error: group.Error ?? 'Unknown', message: truncate(group.Message) });
      }
    }
  }
  return [...byAccount.values()].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
}

/** Counts only, for the state and the completion event: failures grouped by error type, largest first. */
export function summariseShareDetails(details: ShareDetails | undefined): {
  successfulAccounts: number;
  failedAccounts: number;
  failuresByError: FailureGroup[];
} {
  const failed = failedAccounts(details);
  const groups = new Map<string, FailureGroup>();
  for (const account of failed) {
    const group = groups.get(account.error) ?? { error: account.error, accounts: 0, message: account.message };
    group.accounts++;
    groups.set(account.error, group);
  }
  let failuresByError = [...groups.values()].sort((a, b) => b.accounts - a.accounts || a.error.localeCompare(b.error));
  if (failuresByError.length > MAX_FAILURE_GROUPS) {
    const rest = failuresByError.slice(MAX_FAILURE_GROUPS - 1);
    failuresByError = [
      ...failuresByError.slice(0, MAX_FAILURE_GROUPS - 1),
      { error: 'Other', accounts: rest.reduce((n, g) => n + g.accounts, 0), message: `${rest.length} more error types` },
    ];
  }
  const failedIds = new Set(failed.map((f) => f.accountId));
  const successful = new Set((details?.SuccessfulShares ?? []).filter((a) => !failedIds.has(a)));
  return { successfulAccounts: successful.size, failedAccounts: failed.length, failuresByError };
}
