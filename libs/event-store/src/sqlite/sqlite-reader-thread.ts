import type { JsonObject, RecordedEvent } from '../event-store.port';
import { LazyMetadataEvent } from '../lazy-metadata-event';

/**
 * The log read forwards on a worker thread with a read-only connection of its own, while the caller works on what
 * was read before (issue 15, goal 5: a rebuild steps SQLite and makes its rows on the second core, and applies
 * them on the first). What the caller gets is what `readAll` answers, page by page: the same events in the same
 * order, nothing after `upTo` (the caller takes it from `headPosition`, so it is durable and nothing is read that
 * was appended since), data and metadata parsed from the stored JSON (upcasting stays with the decoders).
 *
 * How rows cross the thread boundary, measured (PROFILES.md, "Session 22 — rebuild"):
 * - Row objects by structured clone cost the main thread about what reading them itself does (deserialising is
 *   making the same strings and objects). So the worker packs a chunk of rows into one string, every field end to
 *   end, and their lengths into a typed array that is transferred, not copied: the main thread copies one flat
 *   string per chunk and takes each field as a slice of it (O(1) in V8).
 * - Chunks are kept below V8's largest young-generation object (~128 KiB): a 1,000-row chunk (~420 KiB) went to
 *   large-object space, and making and dropping 34 of them took 60–90 ms of this 2-core VM's time against 7 ms for
 *   chunks of 200 rows (page faults on fresh mappings).
 * - Types and streams travel as indexes into a table of names each read builds (a name is sent once): all events of
 *   a stream share one string object, so the Maps keyed by it (the projections' event types, codecs, document ids
 *   built from the tenant) hash it once and compare by reference, where a fresh string per event was hashed anew.
 * - The thread, which has time to spare, also looks whether an event's metadata may name a schema version: if not,
 *   the main thread parses it only if someone reads it (see LazyMetadataEvent).
 * - The worker runs at most CHUNKS_AHEAD chunks ahead of the caller (credits in a SharedArrayBuffer it waits on),
 *   so a slow consumer never has the whole log in flight.
 *
 * The worker is plain JavaScript evaluated from a string, so the same code runs from the built `dist` and under
 * ts-jest; it loads better-sqlite3 from the path this thread resolves. Any failure (the file, a statement, the
 * worker itself) fails the iteration with EventStoreUnavailableError; the worker is terminated on every path out.
 */
export const READER_THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
// Opened by the first read, so that a failure to open is that read's failure, with SQLite's message (an error thrown
// at the top of a worker reaches the main thread without it).
let db;
const statements = new Map();
function statement(rowsPerRead) {
  db ??= new Database(workerData.file, { readonly: true, fileMustExist: true });
  let found = statements.get(rowsPerRead);
  if (!found) {
    found = db.prepare('SELECT position, revision, stream, event_id, type, data, metadata, recorded_at FROM events WHERE position > ? AND position <= ? ORDER BY position ASC LIMIT ' + rowsPerRead).raw(true);
    statements.set(rowsPerRead, found);
  }
  return found;
}
// Blocks until the main thread grants a credit; false once it asked this read to stop. control: [credits, stop,
// waiting]; the worker says it waits, so that the main thread wakes it (a futex syscall) only then, and only once
// half the chunks ahead are free again rather than for every chunk taken.
function mayPost(control) {
  for (;;) {
    if (Atomics.load(control, 1) !== 0) return false;
    if (Atomics.load(control, 0) > 0) { Atomics.sub(control, 0, 1); return true; }
    Atomics.store(control, 2, 1);
    Atomics.wait(control, 0, 0);
    Atomics.store(control, 2, 0);
  }
}
// The read asked for, chunk by chunk; false if stopped before its end. Per row: position, revision, the indexes of
// its type and stream in the read's table of names (each name sent once, in the chunk that first has it; the table
// starts over past maxNames), whether its metadata is plain (neither "schemaVersion" nor an escape in the text);
// then id, data, metadata and recorded_at as one string with their lengths.
function read({ id, after, upTo, rowsPerRead, chunkChars, chunkRows, maxNames, credits }) {
  const control = new Int32Array(credits);
  const rowsOf = statement(rowsPerRead);
  const names = new Map();
  const nameOf = (name, fresh) => {
    let index = names.get(name);
    if (index === undefined) {
      index = names.size;
      names.set(name, index);
      fresh.push(name);
    }
    return index;
  };
  let from = after;
  for (;;) {
    const rows = rowsOf.all(from, upTo);
    let start = 0;
    while (start < rows.length) {
      if (names.size >= maxNames) names.clear();
      const base = names.size;
      const fresh = [];
      const parts = [];
      let chars = 0;
      let end = start;
      while (end < rows.length && end - start < chunkRows && chars < chunkChars) {
        const row = rows[end++];
        parts.push(row[3], row[5], row[6], row[7]);
        chars += row[3].length + row[5].length + row[6].length + row[7].length;
      }
      const count = end - start;
      const numbers = new Float64Array(count * 5);
      const lengths = new Uint32Array(count * 4);
      for (let i = 0; i < count; i++) {
        const row = rows[start + i];
        const metadata = row[6];
        numbers[5 * i] = row[0];
        numbers[5 * i + 1] = row[1];
        numbers[5 * i + 2] = nameOf(row[4], fresh);
        numbers[5 * i + 3] = nameOf(row[2], fresh);
        numbers[5 * i + 4] = metadata.includes('schemaVersion') || metadata.includes('\\\\') ? 0 : 1;
        lengths[4 * i] = row[3].length;
        lengths[4 * i + 1] = row[5].length;
        lengths[4 * i + 2] = metadata.length;
        lengths[4 * i + 3] = row[7].length;
      }
      if (!mayPost(control)) return false;
      parentPort.postMessage({ id, base, fresh, text: parts.join(''), numbers, lengths }, [numbers.buffer, lengths.buffer]);
      start = end;
    }
    if (rows.length < rowsPerRead) return true;
    from = rows[rows.length - 1][0];
  }
}
parentPort.on('message', (request) => {
  let outcome;
  try {
    outcome = read(request) ? { id: request.id, end: 'done' } : { id: request.id, end: 'stopped' };
  } catch (error) {
    outcome = { id: request.id, end: 'failed', reason: String((error && error.message) || error) };
  }
  parentPort.postMessage(outcome);
});
`;

/**
 * Chunks the worker may have posted and the caller not yet taken (~20 MiB at most): a bound for a log far longer
 * than a consumer keeps up with, not a pace. With 16, the thread, faster than a rebuild's applying, waited for credits
 * all along, and each wake-up (a futex syscall, and on a busy machine the woken thread taking the waker's core) cost
 * the main thread a fifth of what it spent taking the events.
 */
export const CHUNKS_AHEAD = 256;
/** Characters of a chunk's packed string (UTF-16: at most 2 bytes each, under V8's young-generation object limit). */
export const CHUNK_CHARS = 48 * 1024;
export const CHUNK_ROWS = 256;
export const ROWS_PER_READ = 1_000;
/** Types and streams a read's table of names holds before it starts over. */
export const MAX_NAMES = 65_536;

/** Rows as the thread packs them (see `read` in READER_THREAD_SOURCE); `fresh`: the table's names from `base` on. */
export type Chunk = {
  id: number;
  base: number;
  fresh: string[];
  text: string;
  numbers: Float64Array;
  lengths: Uint32Array;
};
export type End = { id: number; end: 'done' | 'stopped' } | { id: number; end: 'failed'; reason: string };

/**
 * The chunk's events, appended to `into`: the text fields are slices of the packed string; type and stream come
 * from the read's table of names, so all events of one stream share one string object (hashed once for all the Map
 * lookups keyed by it, and compared by reference).
 */
export function unpack(chunk: Chunk, names: string[], into: RecordedEvent[]): void {
  const { text, numbers, lengths } = chunk;
  names.length = chunk.base;
  for (const name of chunk.fresh) names.push(name);
  let at = 0;
  for (let i = 0; i < lengths.length / 4; i++) {
    const id = text.slice(at, (at += lengths[4 * i]));
    const data = text.slice(at, (at += lengths[4 * i + 1]));
    const metadata = text.slice(at, (at += lengths[4 * i + 2]));
    const recordedAt = text.slice(at, (at += lengths[4 * i + 3]));
    const n = 5 * i;
    const position = BigInt(numbers[n]);
    let parsed: JsonObject;
    try {
      parsed = JSON.parse(data) as JsonObject;
    } catch (error) {
      throw new Error(`the data of the event at position ${position} is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const type = names[numbers[n + 2]];
    const stream = names[numbers[n + 3]];
    const plain = numbers[n + 4] === 1;
    into.push(new LazyMetadataEvent(id, stream, numbers[n + 1], position, type, parsed, metadata, recordedAt, plain));
  }
}
