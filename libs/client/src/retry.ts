/**
 * When the client tries again, and how long it waits: failures that a retry can mend, with exponential backoff and
 * full jitter (a random wait up to the exponential cap), so that many clients refused at once do not come back at
 * once. A command keeps its Idempotency-Key across the retries, so a retry after a lost answer is answered once.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  attempts: number;
  /** The first backoff cap in ms (default 50); it doubles with each retry. */
  baseDelayMs: number;
  /** The largest backoff cap in ms (default 2,000). */
  maxDelayMs: number;
  /** [0, 1) (default Math.random): the jitter. */
  random: () => number;
  /** How to wait (default setTimeout). */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 50,
  maxDelayMs: 2000,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The problem types a retry can mend: the read model catching up, a concurrent writer gone. */
export const RETRIED_PROBLEMS: Readonly<Record<string, number>> = {
  '/problems/read-model-behind': 503,
  '/problems/concurrency-conflict': 409,
};

/** Full jitter: a wait drawn evenly from [0, min(max, base · 2^retry)). */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  return Math.floor(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry));
}

/** A failed fetch (connection refused or reset, DNS): fetch rejects with a TypeError; an abort is not retried. */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError;
}
