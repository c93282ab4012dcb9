import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { READ_MODEL_STORE, ReadModelStore } from '@app/read-models';
import { ALL_PROJECTIONS } from './all-projections';
import { ProjectionEngine } from './projection-engine';
import type { ProjectionThreadOptions } from './projection-thread';
import { EnginePositions, ProjectionPositions, StoredPositions } from './projection-positions';

/** The live engine, present in the process that projects. */
export const PROJECTION_RUNTIME = Symbol('PROJECTION_RUNTIME');
/** Where the projections stand (ProjectionPositions), in every process. */
export const PROJECTION_POSITIONS = Symbol('PROJECTION_POSITIONS');

export interface ProjectionRuntimeOptions {
  /** `always`: this process is the projector; `as-configured`: the API, projecting when projections.runInApi. */
  run: 'always' | 'as-configured';
  /** Told when a projection fails and the engine stops (it never skips the event). */
  onFailure?(error: unknown): void;
}

export interface ProjectionRuntime {
  engine: ProjectionEngine | null;
  positions: ProjectionPositions;
}

/**
 * The projections of ALL_PROJECTIONS, wired once for every process: the engine runs where configured (the API in
 * embedded mode, the projector always) and starts from each projection's checkpoint; elsewhere queries wait on the
 * stored checkpoints that the projector commits.
 */
@Module({})
export class ProjectionRuntimeModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(PROJECTION_RUNTIME) private readonly runtime: ProjectionRuntime) {}

  static forRoot(options: ProjectionRuntimeOptions): DynamicModule {
    return {
      module: ProjectionRuntimeModule,
      global: true,
      providers: [
        {
          provide: PROJECTION_RUNTIME,
          useFactory: (events: EventStore, readModels: ReadModelStore, config: AppConfig): ProjectionRuntime => {
            const projects = options.run === 'always' || config.projections.runInApi;
            if (!projects)
              return {
                engine: null,
                positions: new StoredPositions(
                  readModels,
                  ALL_PROJECTIONS.map((p) => p.name),
                ),
              };
            const logger = new Logger('Projections');
            const thread = projectionThread(config);
            if (thread) logger.log('projection batches apply on a worker thread (LICENSING_PROJECTION_THREAD)');
            const engine = new ProjectionEngine(events, readModels, ALL_PROJECTIONS, {
              batchSize: config.projections.batchSize,
              groupWithinMs: config.projections.groupWithinMs,
              commitSkippedPositions: options.run === 'always',
              thread,
              onError: (error) => {
                logger.error({ err: error }, 'a projection failed; projections stopped');
                options.onFailure?.(error);
              },
            });
            return { engine, positions: new EnginePositions(engine) };
          },
          inject: [EVENT_STORE, READ_MODEL_STORE, APP_CONFIG],
        },
        {
          provide: PROJECTION_POSITIONS,
          useFactory: (runtime: ProjectionRuntime) => runtime.positions,
          inject: [PROJECTION_RUNTIME],
        },
      ],
      exports: [PROJECTION_RUNTIME, PROJECTION_POSITIONS],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.engine?.start();
  }

  /** Stop projecting before the stores close underneath. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.engine?.stop();
  }
}

/**
 * The projection thread's files when the engine may use one: embedded SQLite files for both the events and the read
 * models (the thread opens connections of its own to them), and the setting on. Otherwise (KurrentDB, MongoDB,
 * `:memory:` databases no second connection can see) the engine applies on the event loop, as before.
 */
export function projectionThread(config: AppConfig): ProjectionThreadOptions | undefined {
  const eventsFile = config.eventStore.sqlite.file;
  const readModelsFile = config.readModels.sqlite.file;
  const files = config.eventStore.adapter === 'embedded' && config.readModels.adapter === 'embedded';
  if (!config.projections.thread || !files || eventsFile === ':memory:' || readModelsFile === ':memory:')
    return undefined;
  return { eventsFile, readModelsFile };
}
