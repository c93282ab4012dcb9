import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { Position } from '@app/event-store';
import { SqliteLogReader } from '@app/event-store/sqlite/sqlite-log-reader';
import { SqliteReadModelStore } from '@app/read-models/sqlite/sqlite-read-model-store';
import { InThreadBatches } from './engine-batches';
import type { Projection } from './projection';
import type { ProjectionState } from './projection-applier';
import { POLL_MS, POLLS_BEFORE_SLEEP, RequestSlot, type SlotRequest } from './projection-thread-slot';

/** What the engine hands its projection thread (see ProjectionThread). */
export interface ProjectionWorkerData {
  role: 'projection-worker';
  entry: string;
  eventsFile: string;
  readModelsFile: string;
  busyTimeoutMs: number;
  /** The RequestSlot's memory, shared with the engine. */
  slot: SharedArrayBuffer;
  /** Where the thread finds its projections: a module's export, a list or a function called with `argument`. */
  projections: ProjectionsSource;
}

/** A module (a path `require` resolves) and the name of its export: the projections, or a function making them. */
export interface ProjectionsSource {
  module: string;
  exportName: string;
  /** Passed to the export when it is a function (tests hand a SharedArrayBuffer to hold a batch). */
  argument?: unknown;
}

/** Messages from the engine; batches come through the RequestSlot (see there why). */
export type WorkerMessage =
  | { id: number; kind: 'prepare' }
  | { kind: 'adopt'; name: string; position: Position | null }
  | { kind: 'wake' }
  | { kind: 'close' };
type WorkerRequest = Extract<WorkerMessage, { id: number }> | SlotRequest;

export type WorkerReply =
  { id: number; states: ProjectionState[] } | { id: number; failed: { name: string; message: string; stack?: string } };

/**
 * The projection thread's side: connections of its own to the events file (read-only) and the read-models file,
 * the same applier and grouped commits as the engine's in-thread mode, and one reply per request with the positions
 * the store holds after it. An `apply` names positions only; the thread reads those events itself, as `readAll`
 * answers them, and refuses a range that does not hold the count the engine saw (it must never skip an event).
 */
export function serveProjections(port: MessagePort, data: ProjectionWorkerData): void {
  // Opened by `prepare`, so that a file that cannot be opened fails it with SQLite's own message.
  let opened: { log: SqliteLogReader; readModels: SqliteReadModelStore; batches: InThreadBatches } | undefined;
  let work: Promise<unknown> = Promise.resolve();
  const slot = new RequestSlot(data.slot);
  let handled = 0;
  let controlHandled = 0;
  let busy = false;
  let scheduled = false;
  let emptyPolls = 0;
  port.on('message', (message: WorkerMessage) => {
    if (message.kind === 'wake') {
      emptyPolls = 0;
      schedule(0);
    } else if (message.kind === 'adopt') {
      opened?.batches.adopt(message.name, message.position);
      controlHandled++;
    } else {
      // One request at a time, in the order posted (a batch's commit spans awaits).
      work = work.then(() => handle(message));
    }
  });
  schedule(0);

  /** Looks into the slot: takes a request, or looks again later, or (idle long enough) sleeps until woken. */
  function poll(): void {
    if (busy) return;
    const request = slot.take(handled, controlHandled);
    if (request) {
      handled = request.id;
      busy = true;
      emptyPolls = 0;
      work = work
        .then(() => handle(request))
        .then(() => {
          busy = false;
          schedule(0);
        });
    } else if (++emptyPolls < POLLS_BEFORE_SLEEP) schedule(POLL_MS);
    else if (!slot.sleep(handled)) schedule(0);
  }

  function schedule(ms: number): void {
    if (scheduled || busy) return;
    scheduled = true;
    const run = () => {
      scheduled = false;
      poll();
    };
    if (ms === 0) setImmediate(run);
    else setTimeout(run, ms);
  }

  function open(): NonNullable<typeof opened> {
    const log = new SqliteLogReader(data.eventsFile, data.busyTimeoutMs);
    const readModels = new SqliteReadModelStore({ file: data.readModelsFile, busyTimeoutMs: data.busyTimeoutMs });
    return { log, readModels, batches: new InThreadBatches(readModels, loadProjections(data.projections)) };
  }

  async function handle(request: WorkerRequest | { kind: 'close' }): Promise<void> {
    if (request.kind === 'close') {
      opened?.log.close();
      await opened?.readModels.close();
      process.exit(0); // in a worker, ends this thread only
    }
    try {
      const { log, batches } = (opened ??= open());
      if (request.kind === 'prepare') await batches.prepare();
      else if (request.kind === 'skipped') await batches.commitSkippedPositions();
      else {
        const events = log.between(request.first, request.last);
        if (events.length !== request.count)
          throw new Error(
            `the log holds ${events.length} events from ${request.first} to ${request.last}, the engine saw ${request.count}`,
          );
        await batches.apply(events);
      }
      port.postMessage({ id: request.id, states: batches.states() } satisfies WorkerReply);
    } catch (error) {
      const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ id: request.id, failed: { name, message, stack } } satisfies WorkerReply);
    }
  }
}

function loadProjections(source: ProjectionsSource): readonly Projection[] {
  // A path given by the engine's owner (this package's own list, or a test's): required as any module is.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = (require(source.module) as Record<string, unknown>)[source.exportName];
  const projections =
    typeof exported === 'function' ? (exported as (argument: unknown) => unknown)(source.argument) : exported;
  if (!Array.isArray(projections)) throw new Error(`${source.module} exports no projections as ${source.exportName}`);
  return projections as readonly Projection[];
}

// Run as the thread's entry (and only then).
const started = workerData as Partial<ProjectionWorkerData> | null;
if (!isMainThread && parentPort && started?.role === 'projection-worker' && started.entry === __filename) {
  serveProjections(parentPort, started as ProjectionWorkerData);
}
