import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src';
import { KurrentDbEventStore } from '../src/kurrentdb/kurrentdb-event-store';
import { EventStoreContractSubject, eventStoreContract } from './event-store.contract';
import { idempotencyKeyContract } from './idempotency-keys.contract';
import { InMemoryKurrentDbClient } from './kurrentdb/in-memory-kurrentdb-client';

/**
 * The one place that runs the event-store contract, against every adapter:
 * - the embedded SQLite store;
 * - the KurrentDB adapter on an in-memory model of the server's client calls (its logic, runnable anywhere);
 * - the KurrentDB adapter on a real server, when KURRENTDB_URL names one (e.g. kurrentdb://localhost:2113?tls=false).
 */
interface ContractAdapter {
  name: string;
  /** Why this adapter cannot run here, if it cannot. */
  unavailable?: string;
  subject(): EventStoreContractSubject;
}

const adapters: ContractAdapter[] = [
  {
    name: 'sqlite',
    subject: () => {
      const dir = mkdtempSync(join(tmpdir(), 'es-contract-'));
      return {
        open: async () => new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 50 }),
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'kurrentdb adapter on an in-memory model of the server',
    subject: () => ({
      open: async () => new KurrentDbEventStore(new InMemoryKurrentDbClient(), { connectTimeoutMs: 1_000 }),
      dispose: async () => undefined,
    }),
  },
  {
    name: `kurrentdb server${process.env.KURRENTDB_URL ? ` at ${process.env.KURRENTDB_URL}` : ''}`,
    unavailable: process.env.KURRENTDB_URL
      ? undefined
      : 'KURRENTDB_URL is not set (e.g. KURRENTDB_URL=kurrentdb://localhost:2113?tls=false)',
    subject: () => ({
      open: async () => {
        const store = KurrentDbEventStore.fromConnectionString(process.env.KURRENTDB_URL!, { connectTimeoutMs: 5_000 });
        await store.verifyReachable();
        return store;
      },
      dispose: async () => undefined,
    }),
  },
];

for (const adapter of adapters) {
  if (adapter.unavailable) {
    // Not registered at all (the project runs no skipped tests); one line says what did not run and why.
    process.stdout.write(`EventStore contract: ${adapter.name} NOT RUN — ${adapter.unavailable}\n`);
    continue;
  }
  eventStoreContract(adapter.name, adapter.subject);
  idempotencyKeyContract(adapter.name, adapter.subject);
}
