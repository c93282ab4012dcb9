import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadModelStore } from '../src';
import { readModelStoreContract } from './read-model-store.contract';

readModelStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rm-contract-'));
  return {
    store: new SqliteReadModelStore({ file: join(dir, 'read-models.db') }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
