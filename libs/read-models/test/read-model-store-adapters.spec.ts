import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadModelStore, SqliteReadModelStore } from '../src';
import { MongoReadModelStore } from '../src/mongodb/mongo-read-model-store';
import { readModelStoreContract } from './read-model-store.contract';

/**
 * The one place that runs the read-model store contract, against every adapter: the embedded SQLite store, and
 * MongoDB — with a transaction per batch, and with position-guarded writes alone — when MONGODB_URL names a
 * server (a replica set for the first, e.g. mongodb://localhost:27017/?replicaSet=rs0).
 */
interface ContractAdapter {
  name: string;
  unavailable?: string;
  open(): Promise<{ store: ReadModelStore; dispose(): Promise<void> }>;
  /** commitMany in one transaction (false: one projection after the other, each atomic on its own). */
  atomicGroups: boolean;
}

const mongoUrl = process.env.MONGODB_URL;
const noMongo = mongoUrl
  ? undefined
  : 'MONGODB_URL is not set (e.g. MONGODB_URL=mongodb://localhost:27017/?replicaSet=rs0)';
const database = process.env.LICENSING_MONGODB_DATABASE ?? 'licensing_contract_tests';

const mongo = (transactions: 'auto' | 'off') => async () => {
  const store = await MongoReadModelStore.connect({ url: mongoUrl!, database, transactions, connectTimeoutMs: 5_000 });
  if (transactions === 'auto' && !store.transactional) {
    await store.close();
    throw new Error(`MONGODB_URL must name a replica set for the transactional run: ${mongoUrl}`);
  }
  return { store, dispose: async () => undefined };
};

const adapters: ContractAdapter[] = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rm-contract-'));
      return {
        store: new SqliteReadModelStore({ file: join(dir, 'read-models.db') }),
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
    atomicGroups: true,
  },
  { name: 'mongodb, a transaction per batch', unavailable: noMongo, open: mongo('auto'), atomicGroups: true },
  {
    name: 'mongodb, position-guarded writes without transactions',
    unavailable: noMongo,
    open: mongo('off'),
    atomicGroups: false,
  },
];

for (const adapter of adapters)
  if (!adapter.unavailable) readModelStoreContract(adapter.name, adapter.open, { atomicGroups: adapter.atomicGroups });

// What cannot run here is not registered at all (the project runs no skipped tests); one line says what and why.
const notRun = adapters.filter((adapter) => adapter.unavailable);
if (notRun.length > 0) {
  process.stdout.write(
    `ReadModelStore contract NOT RUN for ${notRun.map((a) => a.name).join(' / ')} — ${notRun[0].unavailable}\n`,
  );
}
