import { Logger } from '@nestjs/common';
import type { EventStore } from '@app/event-store';
import { ProjectionRuntime, rebuildOnline } from '@app/projections';
import type { ReadModelStore } from '@app/read-models';

export interface RebuildProgress {
  projection: string;
  state: 'idle' | 'running' | 'completed' | 'failed';
  startedAt: string | null;
  finishedAt: string | null;
  /** How far the staged copy has read, and the head it is heading for (strings, like every position). */
  position: string | null;
  head: string | null;
  events: number | null;
  error?: string;
}

/** The online rebuilds of this process: at most one per projection at a time, each followed until it ends. */
export class OnlineRebuilds {
  private readonly logger = new Logger('OnlineRebuilds');
  private readonly progress = new Map<string, RebuildProgress>();

  constructor(
    private readonly runtime: ProjectionRuntime,
    private readonly events: EventStore,
    private readonly readModels: ReadModelStore,
  ) {}

  /** Why a rebuild of `name` cannot start here, or null. */
  refusal(name: string): { status: 404 | 409; slug: string; detail: string } | null {
    const engine = this.runtime.engine;
    if (!engine)
      return {
        status: 409,
        slug: 'projections-not-here',
        detail: 'this process does not run the projections (they run in the projector)',
      };
    if (!engine.projection(name)) return { status: 404, slug: 'unknown-projection', detail: `no projection '${name}'` };
    if (this.progress.get(name)?.state === 'running')
      return { status: 409, slug: 'rebuild-running', detail: `a rebuild of '${name}' is already running` };
    return null;
  }

  /** Starts a rebuild in the background (check `refusal` first); its progress is read with `status`. */
  start(name: string): RebuildProgress {
    const engine = this.runtime.engine!;
    const progress: RebuildProgress = {
      projection: name,
      state: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      position: null,
      head: null,
      events: null,
    };
    this.progress.set(name, progress);
    rebuildOnline(engine, this.events, this.readModels, name, {
      onProgress: (position, head) => {
        progress.position = position.toString();
        progress.head = head.toString();
      },
    }).then(
      ({ events, position }) => {
        Object.assign(progress, {
          state: 'completed',
          finishedAt: new Date().toISOString(),
          events,
          position: position === null ? null : position.toString(),
        });
        this.logger.log(
          `online rebuild of ${name} switched over at ${progress.position ?? 'the start'} (${events} events)`,
        );
      },
      (error: unknown) => {
        // Not swallowed: the rebuild's failure is its outcome, shown by GET and logged; the live read model is untouched.
        Object.assign(progress, {
          state: 'failed',
          finishedAt: new Date().toISOString(),
          error: (error as Error).message,
        });
        this.logger.error({ err: error }, `online rebuild of ${name} failed; the live read model is unchanged`);
      },
    );
    return { ...progress };
  }

  status(name: string): RebuildProgress {
    return {
      ...(this.progress.get(name) ?? {
        projection: name,
        state: 'idle',
        startedAt: null,
        finishedAt: null,
        position: null,
        head: null,
        events: null,
      }),
    };
  }
}
