import type { Position } from '@app/event-store';
import type { ReadModelStore } from '@app/read-models';
import type { ProjectionEngine, ProjectionState } from './projection-engine';

/**
 * Where the projections stand, for queries that wait for a position (`?minPosition=`) and for health: the live
 * engine when this process projects, the stored checkpoints when a projector process does.
 */
export interface ProjectionPositions {
  /** Resolves true once every named projection has taken `position` into account, false after `timeoutMs`. */
  waitFor(names: readonly string[], position: Position, timeoutMs: number): Promise<boolean>;
  /** Why the projections stopped, if they failed in this process (a projector elsewhere reports its own). */
  readonly failed: unknown;
  states(): Promise<ProjectionState[]>;
  /** Whether this process runs the projections. */
  readonly projectsHere: boolean;
}

export class EnginePositions implements ProjectionPositions {
  readonly projectsHere = true;

  constructor(private readonly engine: ProjectionEngine) {}

  waitFor(names: readonly string[], position: Position, timeoutMs: number): Promise<boolean> {
    return this.engine.waitFor(names, position, timeoutMs);
  }

  get failed(): unknown {
    return this.engine.failed;
  }

  async states(): Promise<ProjectionState[]> {
    return this.engine.states();
  }
}

/**
 * Positions as the projector committed them. It commits a projection's checkpoint with each batch it applies and,
 * once caught up, also for events the projection does not react to, so a wait for any recorded position ends.
 */
export class StoredPositions implements ProjectionPositions {
  readonly projectsHere = false;
  readonly failed: unknown = undefined;

  constructor(
    private readonly readModels: ReadModelStore,
    private readonly names: readonly string[],
    private readonly pollIntervalMs = 50,
  ) {}

  async waitFor(names: readonly string[], position: Position, timeoutMs: number): Promise<boolean> {
    if (position <= 0n) return true;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.reached(names, position)) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollIntervalMs, left)));
    }
  }

  async states(): Promise<ProjectionState[]> {
    return Promise.all(this.names.map(async (name) => ({ name, position: await this.readModels.checkpoint(name) })));
  }

  private async reached(names: readonly string[], position: Position): Promise<boolean> {
    for (const name of names) {
      const at = await this.readModels.checkpoint(name);
      if (at === null || at < position) return false;
    }
    return true;
  }
}
