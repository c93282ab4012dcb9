import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/config';
import { Logger } from 'nestjs-pino';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.http.port, config.http.host);
  const logger = app.get(Logger);
  logger.log(`listening on ${await app.getUrl()}; event store: ${config.eventStore.adapter} (${config.eventStore.sqlite.file})`, 'Main');
  if (config.trust.developmentRootOnly) {
    logger.warn('TRUSTING ONLY THE DEVELOPMENT ROOT (config/dev-root.pem), whose private key is public: set LICENSING_TRUSTED_ROOTS in production', 'Main');
  }
  // Graceful stop: finish in-flight requests, commit pending appends, close the store, then exit 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received: shutting down`, 'Main');
      app.close().then(
        () => process.exit(0),
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
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
