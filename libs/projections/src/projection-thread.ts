import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Position, RecordedEvent } from '@app/event-store';
import type { EngineBatches } from './engine-batches';
import type { ProjectionState } from './projection-applier';
import { RequestSlot, type SlotRequest } from './projection-thread-slot';
import type { ProjectionsSource, ProjectionWorkerData, WorkerMessage, WorkerReply } from './projection-worker';

/** Where the projection thread finds its files and projections (see ProjectionEngineOptions.thread). */
export interface ProjectionThreadOptions {
  /** The events file the engine's store writes (a file: the thread opens its own read-only connection). */
  eventsFile: string;
  /** The read-models file (the thread opens its own connection and commits there). */
  readModelsFile: string;
  /** The same projections as the engine's, as the thread loads them; by default this package's ALL_PROJECTIONS. */
  projections?: ProjectionsSource;
  /** How long a connection of the thread waits for another's write lock (an online rebuild's commit). */
  busyTimeoutMs?: number;
}

/**
 * Starts the thread's module: the built `.js` from `dist`. Under ts-jest, where these files are TypeScript and
 * jest's transform does not reach a worker, the `.ts` sources are transpiled (TypeScript's transpileModule, as
 * ts-node's transpile-only does) and the output kept in a cache directory keyed by each file's path and text, so only
 * the first thread after a source changes pays for the compiler; `@app/*` imports resolve as tsconfig's paths say.
 * A process running under ts-node (the e2e suites' spawned API) has its hooks in the thread too (a worker inherits
 * `-r` preloads), but ts-node has no cache and transpiled every file anew for each thread: this hook replaces its
 * `.ts` one. The pattern is the one the writer-thread branch measured (see PROFILES.md, session 23).
 */
const BOOT = `
const { workerData, threadId } = require('node:worker_threads');
if (workerData.typescript) {
  const fs = require('node:fs');
  const path = require('node:path');
  const Module = require('node:module');
  const { createHash } = require('node:crypto');
  fs.mkdirSync(workerData.tsCache, { recursive: true });
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const alias = /^@app\\/([a-z-]+)(\\/.*)?$/.exec(request);
    if (alias) request = path.join(workerData.root, 'libs', alias[1], 'src' + (alias[2] || ''));
    return resolveFilename.call(this, request, ...rest);
  };
  let ts;
  require.extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const key = createHash('sha256').update(filename + '\\0' + source).digest('hex');
    const cached = path.join(workerData.tsCache, key + '.js');
    let js;
    try {
      js = fs.readFileSync(cached, 'utf8');
    } catch {
      ts ??= require(workerData.typescript);
      const compilerOptions = {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      };
      js = ts.transpileModule(source, { fileName: filename, compilerOptions }).outputText;
      const written = cached + '.' + process.pid + '-' + threadId; // renamed into place: readers never see half
      fs.writeFileSync(written, js);
      fs.renameSync(written, cached);
    }
    module._compile(js, filename);
  };
}
require(workerData.entry);
`;

/**
 * The applying and committing of the live engine's batches on a worker thread (issue 15, goal 4): the thread has
 * its own connections to the events file (read-only) and the read-models file, so the main thread's event loop,
 * which serves HTTP, no longer reads the batch's documents, applies or commits read-models.db. The engine posts
 * positions only (a structured clone of the events would cost the main thread what it saves): the first and last
 * position of the batch it took from its subscription, and their count; the thread reads those rows itself.
 *
 * One request is in flight at a time (the engine awaits each). If the thread dies — an uncaught exception,
 * `process.exit` in it, a failure to start — the request in flight fails, every later one is refused, and `onDeath`
 * tells the engine at once even when no batch was in flight: projections fail as when a projection throws, never
 * silently stop. `close` ends the thread after it closed its connections; it is referenced only while a request is
 * in flight or it is closing, so an idle thread never keeps a process alive.
 */
export class ProjectionThread implements EngineBatches {
  private thread: Worker | undefined;
  private inFlight: { id: number; resolve: () => void; reject: (error: unknown) => void } | undefined;
  private requests = 0;
  /** Batch requests go through shared memory (see RequestSlot); `adopt` messages are counted to keep their order. */
  private readonly slot = new RequestSlot();
  private controlMessages = 0;
  private answered = 0;
  private current: ProjectionState[] = [];
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private exited = false;

  constructor(
    private readonly options: ProjectionThreadOptions,
    private readonly names: readonly string[],
    private readonly onDeath: (error: Error) => void,
  ) {}

  /** How many batches the thread applied and committed (tests count them). */
  get batches(): number {
    return this.answered;
  }

  async prepare(): Promise<void> {
    await this.request((thread, id) => thread.postMessage({ id, kind: 'prepare' } satisfies WorkerMessage));
    const names = this.current.map((state) => state.name);
    if (names.join('\n') !== this.names.join('\n'))
      throw new Error(`the projection thread runs [${names.join(', ')}], the engine [${this.names.join(', ')}]`);
  }

  states(): ProjectionState[] {
    return this.current;
  }

  startAfter(): Position | undefined {
    let lowest: Position | undefined;
    for (const { position } of this.current) {
      if (position === null) return undefined;
      if (lowest === undefined || position < lowest) lowest = position;
    }
    return lowest;
  }

  async apply(batch: readonly RecordedEvent[]): Promise<void> {
    if (batch.length === 0) return;
    const [first, last] = [batch[0].position, batch[batch.length - 1].position];
    await this.request((thread, id) => this.toSlot(thread, { id, kind: 'apply', first, last, count: batch.length }));
    this.answered++;
  }

  commitSkippedPositions(): Promise<void> {
    return this.request((thread, id) => this.toSlot(thread, { id, kind: 'skipped' }));
  }

  adopt(name: string, position: Position | null): void {
    // Between two batches (the engine's turn): taken by the thread before the next batch, whose cache it drops.
    if (this.thread) {
      this.thread.postMessage({ kind: 'adopt', name, position } satisfies WorkerMessage);
      this.controlMessages++;
    }
    this.current = this.current.map((state) => (state.name === name ? { name, position } : state));
  }

  close(): Promise<void> {
    const thread = this.thread;
    return (this.closing ??=
      thread && !this.exited
        ? new Promise<void>((resolve) => {
            thread.once('exit', () => resolve());
            thread.ref(); // until it has ended: a close in progress keeps the process alive, as pending I/O does
            thread.postMessage({ kind: 'close' } satisfies WorkerMessage);
          })
        : Promise.resolve());
  }

  /** A batch into the slot, and a wake for the thread if it sleeps. */
  private toSlot(thread: Worker, request: SlotRequest): void {
    if (this.slot.post(request, this.controlMessages)) thread.postMessage({ kind: 'wake' } satisfies WorkerMessage);
  }

  private request(post: (thread: Worker, id: number) => void): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.inFlight || this.closing) return Promise.reject(new Error('a projection batch is in flight, or closing'));
    const id = ++this.requests;
    return new Promise<void>((resolve, reject) => {
      this.inFlight = { id, resolve, reject };
      try {
        const thread = this.started();
        post(thread, id);
        thread.ref();
      } catch (error) {
        this.inFlight = undefined;
        reject(error); // not posted (the thread could not start)
      }
    });
  }

  private started(): Worker {
    if (this.thread) return this.thread;
    const typescript = extname(__filename) === '.ts';
    const workerData: ProjectionWorkerData & { typescript?: string; tsCache?: string; root?: string } = {
      role: 'projection-worker',
      entry: join(__dirname, `projection-worker${extname(__filename)}`),
      eventsFile: this.options.eventsFile,
      readModelsFile: this.options.readModelsFile,
      busyTimeoutMs: this.options.busyTimeoutMs ?? 60_000,
      slot: this.slot.buffer,
      projections: this.options.projections ?? {
        module: join(__dirname, 'all-projections'),
        exportName: 'ALL_PROJECTIONS',
      },
    };
    if (typescript) {
      workerData.typescript = require.resolve('typescript');
      workerData.tsCache = join(tmpdir(), 'projection-thread-ts-cache');
      workerData.root = join(__dirname, '..', '..', '..');
    }
    const thread = new Worker(BOOT, { eval: true, workerData });
    thread.on('message', (reply: WorkerReply) => this.received(reply));
    thread.on('error', (error) =>
      this.fail(new Error(`the projection thread failed: ${error.message}`, { cause: error })),
    );
    thread.on('exit', (code) => {
      this.exited = true;
      if (!this.closing) this.fail(new Error(`the projection thread stopped (exit code ${code})`));
    });
    this.thread = thread;
    return thread;
  }

  private received(reply: WorkerReply): void {
    const waiting = this.inFlight;
    if (!waiting || waiting.id !== reply.id) return; // a reply to a request already failed by the thread's death
    this.inFlight = undefined;
    this.thread?.unref();
    if ('failed' in reply) {
      const error = new Error(reply.failed.message);
      error.name = reply.failed.name;
      if (reply.failed.stack) error.stack = reply.failed.stack;
      waiting.reject(error);
    } else {
      this.current = reply.states;
      waiting.resolve();
    }
  }

  /** From now on every request is refused; the one in flight fails (it may or may not have committed). */
  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    const waiting = this.inFlight;
    this.inFlight = undefined;
    waiting?.reject(error);
    this.onDeath(error);
  }
}
