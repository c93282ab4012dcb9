import type { EventStore, IdempotencyKeyConflictError, KeyBinding } from '@app/event-store';
import type { CommandEnvelope } from './command-events';
import { CommandIdReusedError } from './decide-batch';

/**
 * Idempotency keys across streams. A caller's key names one request, whatever streams it writes: the store binds the
 * key to the request's fingerprint when the request's first events are appended (see `idempotency-keys.ts` in the
 * event store), so a key is bound exactly when its request wrote something, and a refused request binds nothing.
 *
 * Before a request runs, `exclusive` looks the key up (a primary-key lookup) and refuses it if it is bound to
 * another request: `CommandIdReusedError`, nothing written. Requests with the same key in this process run one after
 * the other, so of two concurrent requests with one key the second sees what the first bound: a different request
 * is refused, the same request is answered like a retry (from the stream's command memory). The per-stream command
 * memory stays the fast path for retries; this only adds the check across streams.
 */
export class IdempotencyKeys {
  // The last request with each key that is still running here: the next one with that key waits for it.
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly store: Pick<EventStore, 'idempotencyKey'>) {}

  async exclusive<T>(binding: KeyBinding, work: () => Promise<T>): Promise<T> {
    const previous = this.inFlight.get(binding.key);
    let ended = (): void => undefined;
    const mine = new Promise<void>((resolve) => (ended = resolve));
    this.inFlight.set(binding.key, mine);
    try {
      // `mine` and `previous` only ever resolve: the earlier request's own outcome went to its own caller.
      if (previous) await previous;
      const bound = await this.store.idempotencyKey(binding.key);
      if (bound && bound.fingerprint !== binding.fingerprint) throw new CommandIdReusedError(binding.key);
      return await work();
    } finally {
      ended();
      if (this.inFlight.get(binding.key) === mine) this.inFlight.delete(binding.key);
    }
  }
}

/**
 * After the store refused a turn's append because a key is bound to another request (possible only across
 * processes, where the in-process check above cannot see the other request): the commands carrying that key are
 * refused with `CommandIdReusedError`, and the others are returned, to be decided again.
 */
export function afterKeyConflict<Pending extends { envelope: CommandEnvelope; reject: (error: unknown) => void }>(
  waiting: Pending[],
  error: IdempotencyKeyConflictError,
): Pending[] {
  const again = waiting.filter((pending) => pending.envelope.idempotency?.key !== error.key);
  // Every key of the append came from these commands; should none match, none is decided again (no endless turn).
  if (again.length === waiting.length) {
    for (const pending of waiting) pending.reject(error);
    return [];
  }
  for (const pending of waiting) {
    if (pending.envelope.idempotency?.key === error.key) pending.reject(new CommandIdReusedError(error.key));
  }
  return again;
}
