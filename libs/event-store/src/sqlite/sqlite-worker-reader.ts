import { Worker } from 'node:worker_threads';
import { EventStoreClosedError, EventStoreUnavailableError } from '../event-store.errors';
import type { EventStore, JsonObject, ReadAllAheadOptions, RecordedEvent } from '../event-store.port';
import { pagedReadAll } from '../read-all-pages';
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
 * - The worker runs at most CHUNKS_AHEAD chunks ahead of the caller (credits in a SharedArrayBuffer it waits on),
 *   so a slow consumer never has the whole log in flight.
 *
 * The worker is plain JavaScript evaluated from a string, so the same code runs from the built `dist` and under
 * ts-jest; it loads better-sqlite3 from the path this thread resolves. Any failure (the file, a statement, the
 * worker itself) fails the iteration with EventStoreUnavailableError; the worker is terminated on every path out.
 */
const WORKER = `
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
// The read asked for, chunk by chunk; false if stopped before its end.
function read({ id, after, upTo, rowsPerRead, chunkChars, chunkRows, credits }) {
  const control = new Int32Array(credits);
  const rowsOf = statement(rowsPerRead);
  let from = after;
  for (;;) {
    const rows = rowsOf.all(from, upTo);
    let start = 0;
    while (start < rows.length) {
      const parts = [];
      let chars = 0;
      let end = start;
      while (end < rows.length && end - start < chunkRows && chars < chunkChars) {
        const row = rows[end++];
        for (let field = 2; field < 8; field++) { parts.push(row[field]); chars += row[field].length; }
      }
      const count = end - start;
      const numbers = new Float64Array(count * 2);
      const lengths = new Uint32Array(count * 6);
      for (let i = 0; i < count; i++) {
        const row = rows[start + i];
        numbers[2 * i] = row[0];
        numbers[2 * i + 1] = row[1];
        for (let field = 0; field < 6; field++) lengths[6 * i + field] = row[field + 2].length;
      }
      if (!mayPost(control)) return false;
      parentPort.postMessage({ id, text: parts.join(''), numbers, lengths }, [numbers.buffer, lengths.buffer]);
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

/** Chunks the worker may have posted and the caller not yet taken: enough to keep both threads busy. */
const CHUNKS_AHEAD = 16;
/** Characters of a chunk's packed string (UTF-16: at most 2 bytes each, under V8's young-generation object limit). */
const CHUNK_CHARS = 48 * 1024;
const CHUNK_ROWS = 256;
const ROWS_PER_READ = 1_000;

type Chunk = { id: number; text: string; numbers: Float64Array; lengths: Uint32Array };
type End = { id: number; end: 'done' | 'stopped' } | { id: number; end: 'failed'; reason: string };

/**
 * The SQLite store's `readAllAhead`, on one reader thread per store, started at the first read and kept: its V8
 * heap and compiled code stay warm, where a thread per read spent ~60 ms starting and read its first rebuild at a
 * third of the speed of later ones (measured). One read at a time: a read asked for while another runs (two online
 * rebuilds at once) pages through `readAll` instead. The thread is unreferenced while idle, so it never keeps the
 * process alive, and terminated when the store closes.
 */
export class SqliteReadAhead {
  private thread: Worker | undefined;
  private inbox: Inbox<Chunk | End> | undefined;
  private reads = 0;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly store: Pick<EventStore, 'readAll'>,
  ) {}

  /** Up to `upTo`, no further than `durableHead` (undefined: all that is committed is durable). */
  async *read(
    options: ReadAllAheadOptions,
    durableHead: () => Promise<number | undefined>,
  ): AsyncGenerator<RecordedEvent[]> {
    this.assertOpen();
    const durable = await durableHead();
    const upTo = durable === undefined || options.upTo <= BigInt(durable) ? options.upTo : BigInt(durable);
    const after = options.afterPosition ?? 0n;
    if (upTo <= after) return;
    const pages =
      this.file === ':memory:' || this.inbox // no file to share; or the thread is busy
        ? pagedReadAll(this.store, { ...options, upTo })
        : this.onThread(Number(after), Number(upTo), options.pageSize);
    for await (const page of pages) {
      this.assertOpen(); // like readAll: nothing more once the store is closed
      yield page;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.thread?.terminate();
  }

  private async *onThread(after: number, upTo: number, pageSize: number): AsyncGenerator<RecordedEvent[]> {
    const id = ++this.reads;
    const inbox = (this.inbox = new Inbox());
    const control = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
    control[0] = CHUNKS_AHEAD;
    const thread = this.started();
    thread.ref(); // a read in progress keeps the process alive, as any pending I/O does
    let ended = false;
    try {
      thread.postMessage({
        id,
        after,
        upTo,
        rowsPerRead: ROWS_PER_READ,
        chunkChars: CHUNK_CHARS,
        chunkRows: CHUNK_ROWS,
        credits: control.buffer,
      });
      let page: RecordedEvent[] = [];
      for (;;) {
        const message = await inbox.next();
        if ('end' in message) {
          ended = true;
          if (message.end === 'failed') throw new Error(message.reason);
          break;
        }
        unpack(message, page);
        // A credit back for the chunk just taken; the thread, if it waits for credits, is woken once half of them
        // are back: a wake-up per chunk cost the main thread a quarter of the time it spent taking chunks.
        const credits = Atomics.add(control, 0, 1) + 1;
        if (credits >= CHUNKS_AHEAD / 2 && Atomics.load(control, 2) === 1) Atomics.notify(control, 0);
        while (page.length >= pageSize) {
          const full = page.slice(0, pageSize);
          page = page.slice(pageSize);
          yield full;
        }
      }
      if (page.length > 0) yield page;
    } catch (error) {
      if (this.closed) throw new EventStoreClosedError();
      throw new EventStoreUnavailableError(
        `reading the log on the reader thread failed: ${(error as Error).message}`,
        error,
      );
    } finally {
      if (!ended) {
        // Left early (the consumer stopped, or failed): tell the thread to stop, and wait until it has, or died.
        stop(control);
        await drain(inbox);
      }
      this.inbox = undefined;
      this.thread?.unref();
    }
  }

  private started(): Worker {
    if (this.thread) return this.thread;
    const thread = new Worker(WORKER, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file: this.file },
    });
    thread.on('message', (message: Chunk | End) => this.inbox?.push(message));
    const gone = (error: Error) => {
      if (this.thread === thread) this.thread = undefined; // the next read starts a new one
      this.inbox?.fail(error);
    };
    thread.on('error', gone);
    thread.on('exit', (code) => gone(new Error(`the reader thread stopped (exit code ${code})`)));
    this.thread = thread;
    return thread;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }
}

/**
 * Tells the thread to stop the read. A credit with it: a thread between its look at the stop flag and its wait
 * finds the credits changed, so it does not sleep through the wake-up.
 */
function stop(control: Int32Array): void {
  Atomics.store(control, 1, 1);
  Atomics.add(control, 0, 1);
  Atomics.notify(control, 0);
}

/** The messages of a read told to stop, up to its end (or the thread's death: then there is nothing to wait for). */
async function drain(inbox: Inbox<Chunk | End>): Promise<void> {
  for (;;) {
    let message: Chunk | End;
    try {
      message = await inbox.next();
    } catch {
      return; // the thread is gone: its failure was reported to the read, or the store closed it
    }
    if ('end' in message) return;
  }
}

/** The chunk's events, appended to `into`: each field a slice of the packed string, in the worker's order. */
function unpack(chunk: Chunk, into: RecordedEvent[]): void {
  const { text, numbers, lengths } = chunk;
  let at = 0;
  for (let i = 0; i < numbers.length / 2; i++) {
    const k = 6 * i;
    const stream = text.slice(at, (at += lengths[k]));
    const id = text.slice(at, (at += lengths[k + 1]));
    const type = text.slice(at, (at += lengths[k + 2]));
    const data = text.slice(at, (at += lengths[k + 3]));
    const metadata = text.slice(at, (at += lengths[k + 4]));
    const recordedAt = text.slice(at, (at += lengths[k + 5]));
    const position = BigInt(numbers[2 * i]);
    let parsed: JsonObject;
    try {
      parsed = JSON.parse(data) as JsonObject;
    } catch (error) {
      throw new Error(`the data of the event at position ${position} is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    into.push(new LazyMetadataEvent(id, stream, numbers[2 * i + 1], position, type, parsed, metadata, recordedAt));
  }
}

/** Messages as they arrive, taken one at a time; a failure is reported once what arrived before it was taken. */
class Inbox<T> {
  private readonly queue: T[] = [];
  private failure: Error | undefined;
  private waiting: { resolve: (value: T) => void; reject: (error: Error) => void } | undefined;

  push(value: T): void {
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve(value);
    } else this.queue.push(value);
  }

  fail(error: Error): void {
    this.failure ??= error;
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      reject(this.failure);
    }
  }

  next(): Promise<T> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift() as T);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }
}
