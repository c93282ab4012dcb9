import { AppConfig, redactUrl } from '@app/config';
import { MongoReadModelStore } from './mongodb/mongo-read-model-store';
import { ReadModelStoreUnavailableError } from './read-model.errors';
import type { ReadModelStore } from './read-model-store.port';
import { SqliteReadModelStore } from './sqlite/sqlite-read-model-store';

export interface ReadModelStoreFactoryHooks {
  warn?(message: string): void;
}

/**
 * The configured read-model store, once it has answered: a selected MongoDB that cannot be reached within the
 * connect timeout stops the start with an error that names it.
 */
export async function openReadModelStore(
  config: AppConfig,
  hooks: ReadModelStoreFactoryHooks = {},
): Promise<ReadModelStore> {
  switch (config.readModels.adapter) {
    case 'embedded':
      return new SqliteReadModelStore({ file: config.readModels.sqlite.file });
    case 'mongodb': {
      const { url, database, transactions } = config.readModels.mongodb;
      if (url === null) throw new ReadModelStoreUnavailableError('LICENSING_READ_MODELS=mongodb needs MONGODB_URL');
      let store: MongoReadModelStore;
      try {
        store = await MongoReadModelStore.connect({
          url,
          database,
          transactions,
          connectTimeoutMs: config.connectTimeoutMs,
        });
      } catch (error) {
        throw new ReadModelStoreUnavailableError(
          `cannot reach MongoDB at ${redactUrl(url)}: ${(error as Error).message}`,
          error,
        );
      }
      if (!store.transactional) {
        hooks.warn?.(
          transactions === 'off'
            ? 'MongoDB read models without transactions (LICENSING_MONGODB_TRANSACTIONS=off): documents are guarded by position, derived values may need a rebuild after a crash'
            : 'MongoDB is a standalone server: read models commit without transactions (run a replica set, even of one node, for atomic batches)',
        );
      }
      return store;
    }
  }
}
