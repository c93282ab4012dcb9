import type { AppConfig } from './app-config';
import { ConfigError } from './config-error';
import { secretScrubber, secretsOfEnvironment } from './log-secrets';

/**
 * What a process prints when it cannot start: the message alone for an expected failure (bad configuration, or one
 * of the `expected` errors, such as a server that cannot be reached), the stack trace for anything else.
 */
export function startupFailure(error: unknown, expected: Array<abstract new (...args: never[]) => Error> = []): string {
  const scrub = secretScrubber(secretsOfEnvironment());
  if (error instanceof ConfigError || expected.some((type) => error instanceof type))
    return scrub((error as Error).message);
  return scrub(error instanceof Error ? (error.stack ?? error.message) : String(error));
}

/** One line for the start-up log: which stores this process uses, and where. */
export function describeStores(config: AppConfig): string {
  const events =
    config.eventStore.adapter === 'kurrentdb'
      ? `kurrentdb (${redactUrl(config.eventStore.kurrentdb.url ?? '')})`
      : `embedded (${config.eventStore.sqlite.file})`;
  const readModels =
    config.readModels.adapter === 'mongodb'
      ? `mongodb (${redactUrl(config.readModels.mongodb.url ?? '')}, database ${config.readModels.mongodb.database})`
      : `embedded (${config.readModels.sqlite.file})`;
  return `event store: ${events}; read models: ${readModels}`;
}

/**
 * A connection string for messages: the password, if any, replaced. A password may itself hold `@` (written
 * unencoded), so it runs to the last `@`: over-masking a query that holds one is the safe side.
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):.*@(?=[^@]*$)/i, '$1:***@');
}
