import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { NOTICE_RUNTIME, ProcessManagerRuntime } from '@app/application';
import { AccessRefusedError, accessStartupNotes, CredentialVerifier } from '@app/access';
import { describeStores, loadConfig, startupFailure } from '@app/config';
import {
  CheckpointAheadOfLogError,
  DataDirLockedError,
  EVENT_STORE,
  EventStore,
  EventStoreUnavailableError,
} from '@app/event-store';
import { lockDataDirIfEmbedded } from '@app/event-store/event-store.factory';
import { ALL_PROJECTIONS, PROJECTION_RUNTIME, ProjectionRuntime } from '@app/projections';
import { ReadModelStoreUnavailableError } from '@app/read-models';
import { ProjectorFailures, projectorHealth, startHealthServer } from './projector-health';
import { createMetricsRegistry, registerPositionMetrics } from '@app/metrics';
import { QuietStartupLogger } from '../../api/src/common/quiet-startup-logger';
import { ProjectorModule } from './projector.module';

/**
 * The projector: runs every projection of ALL_PROJECTIONS from its checkpoint, as its own process, so that API
 * processes only answer requests. SIGTERM/SIGINT stop it after the batch in hand has committed (exit 0); a failed
 * projection stops it with exit 1, for its supervisor to restart it from the checkpoints — it never skips an event.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  // The projector serves /health, whose details are for administrators: the same rule as the API's start.
  const access = accessStartupNotes(config.access, config.access.production);
  if (access.refusal !== null) throw new AccessRefusedError(access.refusal);
  const verifier = new CredentialVerifier(config.access);
  // Before any store opens: with embedded read models, the projector must be the only process writing them.
  const lock = lockDataDirIfEmbedded(config, 'projector', { readModels: true });
  const failures: ProjectorFailures = {};
  // A projection or a notice process manager may fail while the context is still starting: remember it, and stop
  // once there is a context to close.
  let onFailure = () => undefined as void;
  const app = await NestFactory.createApplicationContext(
    ProjectorModule.forRoot(config, {
      onFailure: (kind, error) => {
        failures[kind] ??= error;
        onFailure();
      },
    }),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(new QuietStartupLogger(app.get(Logger)));
  const logger = app.get(Logger);
  const events = app.get<EventStore>(EVENT_STORE);
  const runtime = app.get<ProjectionRuntime>(PROJECTION_RUNTIME);
  const notices = app.get<ProcessManagerRuntime>(NOTICE_RUNTIME);
  const registry = createMetricsRegistry();
  registerPositionMetrics(registry, {
    head: () => events.headPosition(),
    projections: async () => runtime.engine?.states() ?? [],
    processManagers: () => notices.states(),
  });
  const health = await startHealthServer(
    config.projector.healthHost,
    config.projector.healthPort,
    verifier,
    () =>
      projectorHealth(
        events,
        { projections: runtime.engine?.states() ?? [], processManagers: notices.states() },
        failures,
      ),
    registry,
  );
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    health.server.close();
    app.close().then(
      () => {
        lock?.release();
        process.exit(code);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed', 'Main');
        process.exit(1);
      },
    );
  };
  for (const warning of access.warnings) logger.warn(warning, 'Main');
  logger.log(
    `projector running ${ALL_PROJECTIONS.map((p) => p.name).join(', ')}; ${describeStores(config)}; health on ${health.url}`,
    'Main',
  );
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received: stopping after the batch in hand`, 'Main');
      stop(0);
    });
  }
  onFailure = () => {
    const what = failures.projections !== undefined ? 'a projection' : 'a notice process manager';
    logger.error(
      `${what} failed: the projector stops (exit 1) and resumes from the checkpoints when restarted`,
      'Main',
    );
    stop(1);
  };
  if (failures.projections !== undefined || failures.processManagers !== undefined) onFailure();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${startupFailure(error, [EventStoreUnavailableError, ReadModelStoreUnavailableError, AccessRefusedError, DataDirLockedError, CheckpointAheadOfLogError])}\n`,
  );
  process.exit(1);
});
