import 'reflect-metadata';
import { AccessRefusedError, accessStartupNotes } from '@app/access';
import { describeStores, loadConfig, startupFailure } from '@app/config';
import { CheckpointAheadOfLogError, DataDirLockedError, EventStoreUnavailableError } from '@app/event-store';
import { lockDataDirIfEmbedded } from '@app/event-store/event-store.factory';
import { ReadModelStoreUnavailableError } from '@app/read-models';
import { Logger } from 'nestjs-pino';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = loadConfig();
  // Decided before any store is opened: production without credentials does not start at all.
  const access = accessStartupNotes(config.access, config.access.production);
  if (access.refusal !== null) throw new AccessRefusedError(access.refusal);
  // Before any store opens: a second process projecting into the same embedded read models would corrupt them.
  const lock = lockDataDirIfEmbedded(config, 'api', {
    readModels: config.projections.runInApi || config.processManagers.runInApi,
  });
  const app = await createApp(config);
  await app.listen(config.http.port, config.http.host);
  const logger = app.get(Logger);
  const projecting = config.projections.runInApi
    ? 'projections run in this process'
    : 'projections run in the projector';
  logger.log(`listening on ${await app.getUrl()}; ${describeStores(config)}; ${projecting}`, 'Main');
  for (const warning of access.warnings) logger.warn(warning, 'Main');
  if (config.trust.developmentRootOnly) {
    logger.warn(
      'TRUSTING ONLY THE DEVELOPMENT ROOT (config/dev-root.pem), whose private key is public: set LICENSING_TRUSTED_ROOTS in production',
      'Main',
    );
  }
  // Graceful stop: finish in-flight requests, commit pending appends, close the store, then exit 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received: shutting down`, 'Main');
      app.close().then(
        () => {
          lock?.release();
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed', 'Main');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  // Before the logger exists there is only stderr; say what is wrong and stop.
  process.stderr.write(
    `${startupFailure(error, [EventStoreUnavailableError, ReadModelStoreUnavailableError, AccessRefusedError, DataDirLockedError, CheckpointAheadOfLogError])}\n`,
  );
  process.exit(1);
});
