import { Worker } from 'node:worker_threads';
import { EventStoreClosedError, EventStoreUnavailableError } from '../event-store.errors';
import type { EventStore, ReadAllAheadOptions, RecordedEvent } from '../event-store.port';
import { pagedReadAll } from '../read-all-pages';
import {
  Chunk,
  CHUNK_CHARS,
  CHUNK_ROWS,
  CHUNKS_AHEAD,
  End,
  MAX_NAMES,
  READER_THREAD_SOURCE,
  ROWS_PER_READ,
  unpack,
} from './sqlite-reader-thread';

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
        maxNames: MAX_NAMES,
        credits: control.buffer,
      });
      let page: RecordedEvent[] = [];
      const names: string[] = [];
      for (;;) {
        const message = await inbox.next();
        if ('end' in message) {
          ended = true;
          if (message.end === 'failed') throw new Error(message.reason);
          break;
        }
        unpack(message, names, page);
        // A credit back for the chunk just taken; the thread, if it waits for credits, is woken once half of them
        // are back, not for every chunk (see CHUNKS_AHEAD).
        const credits = Atomics.add(control, 0, 1) + 1;
        if (credits >= CHUNKS_AHEAD / 2 && Atomics.load(control, 2) === 1) Atomics.notify(control, 0);
        if (page.length >= pageSize) {
          // Chunks are smaller than most pages; a page size below a chunk's rows yields several pages of it.
          let from = 0;
          for (; page.length - from >= pageSize; from += pageSize) yield page.slice(from, from + pageSize);
          page = page.slice(from);
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
    const thread = new Worker(READER_THREAD_SOURCE, {
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
