import type { Position as LogPosition } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, InvalidEventStoreRequestError } from '../event-store.errors';
import type { Position } from '../event-store.port';

/**
 * The port's global position for a KurrentDB event, and back.
 *
 * KurrentDB orders `$all` by the pair (commit, prepare) of log positions (byte offsets in its transaction file).
 * Every event appended over gRPC — the only way this client writes, single- or multi-event — is written as a
 * *self-committed* prepare record (flags `Data | IsCommitted`), and the server reports such an event at
 * `TFPos(LogPosition, LogPosition)`: its commit position *is* its own prepare position (KurrentDB `AllReader`
 * records a commit-alike prepare with `prepare.LogPosition` as its commit position; `ResolvedEvent` computes
 * `new TFPos(LogPosition, LogPosition)` for `IsSelfCommitted` events). Two events therefore never share a
 * commit position: the events of one append follow one another in the log, each at its own offset.
 *
 * So the port's Position is the commit position, unchanged: strictly increasing along `$all`, an ordinary
 * integer below 2^63 like the embedded store's, and it maps back to `{ commit: P, prepare: P }`, a valid position
 * to read or subscribe from.
 *
 * Only events of a legacy *explicit* transaction (the TCP API's StartTransaction, removed from KurrentDB) share the
 * commit position of their commit record and differ by prepare position. They cannot be given a port position that
 * is both unique and resumable with an ordinary integer, and this service never writes them, so meeting one is an
 * error that says so, rather than a silent mis-ordering.
 */

/** Log positions are C# longs on the server. */
const MAX_LOG_POSITION = (1n << 63n) - 1n;

export function toPortPosition(position: LogPosition | undefined, what: string): Position {
  if (position === undefined) {
    throw new EventStoreUnavailableError(
      `${what} came without a log position: KurrentDB/EventStoreDB 22.10 or later is required`,
    );
  }
  if (position.commit !== position.prepare) {
    throw new EventStoreUnavailableError(
      `${what} was written by a legacy explicit transaction (commit ${position.commit}, prepare ${position.prepare}); ` +
        'this service reads only self-committed events, as every gRPC append writes them',
    );
  }
  if (position.commit < 0n || position.commit > MAX_LOG_POSITION) {
    throw new EventStoreUnavailableError(`${what} has an impossible log position ${position.commit}`);
  }
  return position.commit;
}

export function toLogPosition(position: Position): LogPosition {
  if (typeof position !== 'bigint' || position < 0n || position > MAX_LOG_POSITION) {
    throw new InvalidEventStoreRequestError(
      `position ${String(position)} is not a KurrentDB log position (0 … 2^63-1)`,
    );
  }
  return { commit: position, prepare: position };
}

/** Order of `$all`: by commit position, then by prepare position. */
export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}
