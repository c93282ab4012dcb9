import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src';
import { eventStoreContract } from './event-store.contract';

eventStoreContract('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'es-contract-'));
  return {
    open: async () => new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 50 }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
