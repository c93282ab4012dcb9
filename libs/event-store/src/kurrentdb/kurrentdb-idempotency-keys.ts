import { jsonEvent, NO_STREAM } from '@kurrent/kurrentdb-client';
import { v5 as uuidV5 } from 'uuid';
import { IdempotencyKeyConflictError } from '../event-store.errors';
import type { BoundKey, KeyBinding } from '../idempotency-keys';
import { isStreamNotFound, isWrongExpectedVersion, toPortError } from './kurrentdb-errors';
import type { KurrentClient } from './kurrentdb-event-store';

/**
 * Idempotency keys on KurrentDB (see idempotency-keys.ts), which has no secondary index and no transaction across
 * streams: each key gets a reservation stream, written with expected state "no stream" before the events that
 * carry the key. The server lets exactly one reservation in; a second one with the same fingerprint is the same
 * event id, so the server answers it as an idempotent repeat, and one with another fingerprint meets a wrong expected
 * version, reads the reservation, and is refused.
 *
 * The event type starts with `$`: KurrentDB's `$all` reads that exclude system events (the adapter's unfiltered
 * reads and head position) never see it, and the port refuses `$`-types, so no caller's event can pose as one.
 *
 * The limit of doing it in two steps: a reservation whose own append then fails (its command is refused after a
 * concurrent writer, or the server is lost) stays, so that key answers `idempotency-key-reused` to a different
 * request although nothing was written under it. Honest retries (the same request) are never refused.
 */
export const RESERVATION_TYPE = '$idempotency-key-bound';
const RESERVATION_NAMESPACE = '0c8f5b7e-3d2a-4e61-8f4b-9a1d7c2e5b30';
const KNOWN_CAPACITY = 10_000;

export const reservationStream = (key: string): string => `idempotency-key-${key}`;

export class KurrentDbIdempotencyKeys {
  // Reservations this process made or saw, by key: a binding never changes, so a repeat costs no round trip.
  private readonly known = new Map<string, BoundKey>();

  constructor(
    private readonly client: KurrentClient,
    private readonly readDeadlineMs: () => number,
  ) {}

  async lookup(key: string): Promise<BoundKey | null> {
    const known = this.known.get(key);
    if (known) return known;
    try {
      for await (const resolved of this.client.readStream(reservationStream(key), {
        maxCount: 1,
        requiresLeader: true,
        deadline: this.readDeadlineMs(),
      })) {
        const data = resolved.event?.data as Partial<BoundKey> | undefined;
        if (typeof data?.fingerprint === 'string' && typeof data.stream === 'string') {
          return this.remember(key, { fingerprint: data.fingerprint, stream: data.stream });
        }
      }
    } catch (error) {
      if (isStreamNotFound(error)) return null;
      throw toPortError(error, 'read of', reservationStream(key));
    }
    return null;
  }

  /** Reserves each key for its fingerprint before `stream`'s append; throws if one is bound to another request. */
  async reserve(stream: string, bindings: readonly KeyBinding[]): Promise<void> {
    await Promise.all(bindings.map((binding) => this.reserveOne(stream, binding)));
  }

  private async reserveOne(stream: string, { key, fingerprint }: KeyBinding): Promise<void> {
    if (this.known.get(key)?.fingerprint === fingerprint) return;
    const reservation = jsonEvent({
      id: uuidV5(`${key}|${fingerprint}`, RESERVATION_NAMESPACE),
      type: RESERVATION_TYPE,
      data: { fingerprint, stream },
    });
    let conflict: boolean;
    try {
      const written = await this.client.appendToStream(reservationStream(key), [reservation], {
        streamState: NO_STREAM,
      });
      // With throwOnAppendFailure=false in the connection string, the client answers a conflict instead of throwing.
      conflict = !written.success;
    } catch (error) {
      if (!isWrongExpectedVersion(error)) throw toPortError(error, 'append to', reservationStream(key));
      conflict = true;
    }
    if (!conflict) {
      this.remember(key, { fingerprint, stream });
      return;
    }
    const bound = await this.lookup(key);
    if (bound?.fingerprint !== fingerprint) throw new IdempotencyKeyConflictError(stream, key);
  }

  private remember(key: string, bound: BoundKey): BoundKey {
    const oldest = this.known.keys().next();
    if (this.known.size >= KNOWN_CAPACITY && !oldest.done) this.known.delete(oldest.value);
    this.known.set(key, bound);
    return bound;
  }
}
