import { IdempotencyKeyConflictError, InvalidEventStoreRequestError } from './event-store.errors';
import type { NewEvent } from './event-store.port';

/**
 * Idempotency keys, as every adapter binds them. A caller's key (the HTTP `Idempotency-Key`) is global: it names one
 * request, whatever streams that request writes to. An event whose metadata carries `idempotencyKey` also carries
 * `requestHash`, the fingerprint of the request; the first append that carries a key binds it to that fingerprint,
 * atomically with its events, and an append carrying the key with another fingerprint is refused
 * (`IdempotencyKeyConflictError`) and writes nothing. Events without a key bind nothing (old events, notices).
 */

/** Metadata field: the caller's idempotency key of the request that recorded the event. */
export const IDEMPOTENCY_KEY = 'idempotencyKey';
/** Metadata field: the fingerprint of that request (what it asked, not who or when). */
export const REQUEST_HASH = 'requestHash';

/** A key and the fingerprint of the request it names. */
export interface KeyBinding {
  key: string;
  fingerprint: string;
}

/** A key as bound: the request's fingerprint and the stream of the append that bound it first. */
export interface BoundKey {
  fingerprint: string;
  stream: string;
}

const MAX_KEY = 200;

/**
 * The distinct keys an append carries, in order of first appearance. One append may carry several commands (group
 * commit), so several keys; one key with two fingerprints in the same append is already a conflict.
 */
export function bindingsOf(stream: string, events: readonly NewEvent[]): KeyBinding[] {
  const bindings: KeyBinding[] = [];
  let last: KeyBinding | undefined;
  for (const [index, event] of events.entries()) {
    const key = event.metadata?.[IDEMPOTENCY_KEY];
    if (key === undefined) continue;
    const fingerprint = event.metadata?.[REQUEST_HASH];
    // A command's events sit together: comparing with the last key seen skips all but the first of each.
    if (last?.key === key && last.fingerprint === fingerprint) continue;
    if (!isKey(key) || typeof fingerprint !== 'string' || fingerprint.length === 0 || fingerprint.length > MAX_KEY) {
      throw new InvalidEventStoreRequestError(
        `event ${index}: ${IDEMPOTENCY_KEY} must be 1–${MAX_KEY} visible ASCII characters, with a ${REQUEST_HASH} beside it`,
      );
    }
    const earlier = bindings.find((binding) => binding.key === key);
    if (earlier && earlier.fingerprint !== fingerprint) throw new IdempotencyKeyConflictError(stream, key);
    last = earlier ?? { key, fingerprint };
    if (!earlier) bindings.push(last);
  }
  return bindings;
}

// Visible ASCII only: on KurrentDB the key becomes part of a stream name.
const KEY = new RegExp(`^[\\x21-\\x7e]{1,${MAX_KEY}}$`);

function isKey(key: unknown): key is string {
  return typeof key === 'string' && KEY.test(key);
}
