import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { Position } from '@app/event-store';
import { READ_MODEL_PROGRESS, ReadModelName, ReadModelProgress } from '../ports/read-model.ports';
import { ProjectionFailedError, ReadModelBehindError } from './read-model.errors';

/**
 * Read-your-writes: a caller passes the position a command answered, and the query waits until the read models it
 * reads have reached it — a bounded time (`projections.minPositionTimeoutMs`), then an error, never a stale answer.
 */
@Injectable()
export class ReadYourWrites {
  readonly timeoutMs: number;

  constructor(
    @Inject(READ_MODEL_PROGRESS) private readonly progress: ReadModelProgress,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.timeoutMs = config.projections.minPositionTimeoutMs;
  }

  /** Returns once the read models have reached `minPosition` (at once without one); throws when they do not. */
  async reach(readModels: readonly ReadModelName[], minPosition: Position | undefined): Promise<void> {
    if (minPosition === undefined) return;
    if (await this.progress.waitFor(readModels, minPosition, this.timeoutMs)) return;
    if (this.progress.failed) throw new ProjectionFailedError();
    throw new ReadModelBehindError('read model', minPosition, this.timeoutMs);
  }
}
