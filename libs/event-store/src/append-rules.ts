import { validate as isUuid, v4 as uuidV4 } from 'uuid';
import { InvalidEventStoreRequestError } from './event-store.errors';
import type { ActualState } from './event-store.errors';
import type { ExpectedState, NewEvent, ReadAllOptions, Revision } from './event-store.port';

/**
 * Rules every adapter applies identically, so that a request refused by one is refused by all, and the
 * expected-state semantics cannot drift between the embedded store and KurrentDB.
 */

const MAX_STREAM_NAME = 256;

export function assertValidStreamName(stream: string): void {
  if (typeof stream !== 'string' || stream.length === 0 || stream.length > MAX_STREAM_NAME) {
    throw new InvalidEventStoreRequestError(`stream name must be 1–${MAX_STREAM_NAME} characters`);
  }
  // '$' starts KurrentDB's system streams; control characters never belong in a name.
  // eslint-disable-next-line no-control-regex
  if (stream.startsWith('$') || /[\u0000-\u001f\u007f]/.test(stream)) {
    throw new InvalidEventStoreRequestError(`stream name '${stream}' is reserved or contains control characters`);
  }
}

export function assertValidExpectedState(expected: ExpectedState): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected !== 'number' || !Number.isSafeInteger(expected) || expected < 0) {
    throw new InvalidEventStoreRequestError(`expected state must be any, no_stream, stream_exists or a revision ≥ 0`);
  }
}

export interface PreparedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

/** Validates an append and serialises its events once, giving each a UUID if it has none. */
export function prepareAppend(stream: string, events: NewEvent[], expected: ExpectedState): PreparedEvent[] {
  assertValidStreamName(stream);
  assertValidExpectedState(expected);
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventStoreRequestError('an append needs at least one event');
  }
  const seen = new Set<string>();
  return events.map((event, index) => {
    const id = event.id ?? uuidV4();
    if (!isUuid(id)) throw new InvalidEventStoreRequestError(`event ${index}: id '${id}' is not a UUID`);
    const lowered = id.toLowerCase();
    if (seen.has(lowered))
      throw new InvalidEventStoreRequestError(`event ${index}: id ${id} appears twice in one append`);
    seen.add(lowered);
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.length > 128) {
      throw new InvalidEventStoreRequestError(`event ${index}: type must be 1–128 characters`);
    }
    // KurrentDB treats `$`-types as its own system events and hides them from `$all` reads that exclude those:
    // written through one adapter, such an event would vanish from projections on the other.
    if (event.type.startsWith('$'))
      throw new InvalidEventStoreRequestError(
        `event ${index}: type '${event.type}' is reserved ($ starts system event types)`,
      );
    if (!isPlainObject(event.data))
      throw new InvalidEventStoreRequestError(`event ${index}: data must be a JSON object`);
    if (event.metadata !== undefined && !isPlainObject(event.metadata)) {
      throw new InvalidEventStoreRequestError(`event ${index}: metadata must be a JSON object`);
    }
    return {
      id: lowered,
      type: event.type,
      data: event.dataJson === undefined ? JSON.stringify(event.data) : dataTextOf(event.dataJson, index),
      metadata: JSON.stringify(event.metadata ?? {}),
    };
  });
}

/**
 * The caller's serialised data (`NewEvent.dataJson`), kept as given. What can be checked without writing the data
 * again is checked: a string that is a JSON object's text at its ends. That it is `data`'s own text is the caller's
 * promise (the command runner's is held to JSON.stringify by a property test in libs/application).
 */
function dataTextOf(text: unknown, index: number): string {
  if (typeof text !== 'string' || !text.startsWith('{') || !text.endsWith('}'))
    throw new InvalidEventStoreRequestError(`event ${index}: dataJson must be the JSON text of its data`);
  return text;
}

/** Does the stream's actual state satisfy the expected state? */
export function expectedStateHolds(expected: ExpectedState, actual: ActualState): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 'no_stream';
    case 'stream_exists':
      return actual !== 'no_stream';
    default:
      return actual === expected;
  }
}

/**
 * Was an append whose first event landed at `firstRevision` made with this expected state? If so, repeating it
 * with the same events is a retry and answers the first result.
 */
export function expectedStateDescribesRevision(expected: ExpectedState, firstRevision: Revision): boolean {
  const before: ActualState = firstRevision === 0 ? 'no_stream' : firstRevision - 1;
  return expectedStateHolds(expected, before);
}

export function assertValidReadAllOptions(options: ReadAllOptions): void {
  if (options.fromPosition !== undefined && options.afterPosition !== undefined) {
    throw new InvalidEventStoreRequestError('readAll takes fromPosition or afterPosition, not both');
  }
  assertValidMaxCount(options.maxCount);
}

export function assertValidMaxCount(maxCount: number | undefined): void {
  if (maxCount !== undefined && (!Number.isSafeInteger(maxCount) || maxCount < 1)) {
    throw new InvalidEventStoreRequestError('maxCount must be a positive integer');
  }
}

export function streamPrefixes(prefix: string | string[] | undefined): string[] {
  if (prefix === undefined) return [];
  return Array.isArray(prefix) ? prefix : [prefix];
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
