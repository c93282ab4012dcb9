/**
 * `npm run bench:store`: the event-store port over SQLite beside raw better-sqlite3 doing the same work — the same
 * schema, the same head-revision check, the same JSON encoding, the same WAL sync level — in the same run.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS_SCHEMA } from '../libs/event-store/src/sqlite/sqlite-schema';
import { SqliteEventStore, SqliteSynchronous } from '../libs/event-store/src';
import { compare, Figure, report } from './bench-harness';

const SYNCHRONOUS = (process.env.LICENSING_SQLITE_SYNCHRONOUS?.toUpperCase() ?? 'FULL') as SqliteSynchronous;
const SINGLE_APPENDS = Number(process.env.BENCH_SINGLE_APPENDS ?? 1500);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 150);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const payload = (i: number) => ({
  module: 'web',
  userId: `u${i}`,
  owner: 'SUPEROFFICE',
  at: '2026-11-22T10:00:00.000Z',
});
const metadata = { correlationId: randomUUID(), causationId: randomUUID(), actor: 'bench', tenant: 'Cust12345' };

/** The hand-written baseline: what a minimal appender on the same table has to do, and nothing more. */
class RawAppender {
  readonly db: Database.Database;
  private readonly head: Database.Statement<[string], { revision: number }>;
  private readonly insert: Database.Statement;
  readonly appendBatch: (stream: string, count: number, base: number) => void;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${SYNCHRONOUS}`);
    this.db.exec(EVENTS_SCHEMA);
    this.head = this.db.prepare('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1');
    this.insert = this.db.prepare(
      'INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const tx = this.db.transaction((stream: string, count: number, base: number) => {
      let revision = this.head.get(stream)?.revision ?? -1;
      const now = new Date().toISOString();
      for (let i = 0; i < count; i++) {
        const data = JSON.stringify(payload(base + i));
        this.insert.run(stream, ++revision, randomUUID(), 'LicenseAssigned', data, JSON.stringify(metadata), now);
      }
    });
    this.appendBatch = (stream, count, base) => tx.immediate(stream, count, base);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const store = new SqliteEventStore({ file: join(dir, 'port.db'), synchronous: SYNCHRONOUS });
  const raw = new RawAppender(join(dir, 'raw.db'));
  const events = (count: number, base: number) =>
    Array.from({ length: count }, (_, i) => ({
      id: randomUUID(),
      type: 'LicenseAssigned',
      data: payload(base + i),
      metadata,
    }));
  const revisions = new Map<string, number>();
  const portAppend = async (stream: string, count: number, base: number) => {
    const result = await store.append(stream, events(count, base), revisions.get(stream) ?? 'no_stream');
    revisions.set(stream, result.nextExpectedRevision);
  };

  try {
    console.log(`event-store bench: WAL, synchronous=${SYNCHRONOUS}, ${ROUNDS} alternating rounds, medians`);
    const single = await compare(
      ROUNDS,
      async (round) => {
        for (let i = 0; i < SINGLE_APPENDS; i++) await portAppend(`single-${round}`, 1, i);
        return SINGLE_APPENDS;
      },
      (round) => {
        for (let i = 0; i < SINGLE_APPENDS; i++) raw.appendBatch(`single-${round}`, 1, i);
        return SINGLE_APPENDS;
      },
    );
    const batch = await compare(
      ROUNDS,
      async (round) => {
        for (let i = 0; i < BATCHES; i++) await portAppend(`batch-${round}`, 100, i * 100);
        return BATCHES * 100;
      },
      (round) => {
        for (let i = 0; i < BATCHES; i++) raw.appendBatch(`batch-${round}`, 100, i * 100);
        return BATCHES * 100;
      },
    );
    // Both read the same file: the port through readAll pages, the baseline with one SELECT and the same decoding.
    const rawReader = new Database(join(dir, 'port.db'), { readonly: true });
    const selectPage = rawReader.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?');
    const page = 1000;
    const readAll = await compare(
      ROUNDS,
      async () => {
        let count = 0;
        let after: bigint | undefined;
        for (;;) {
          const got = await store.readAll({ afterPosition: after, maxCount: page });
          count += got.length;
          if (got.length < page) return count;
          after = got[got.length - 1].position;
        }
      },
      () => {
        let count = 0;
        let after = 0;
        for (;;) {
          const rows = selectPage.all(after, page) as Array<Record<string, unknown>>;
          for (const row of rows) {
            JSON.parse(row.data as string);
            JSON.parse(row.metadata as string);
          }
          count += rows.length;
          if (rows.length < page) return count;
          after = rows[rows.length - 1].position as number;
        }
      },
    );
    rawReader.close();
    const total = (await store.headPosition()) ?? 0n;
    const figures: Figure[] = [
      { name: 'single-event appends', unit: 'events/s', ...single, baselineName: 'raw better-sqlite3', target: 0.7 },
      { name: '100-event appends', unit: 'events/s', ...batch, baselineName: 'raw better-sqlite3', target: 0.7 },
      {
        name: `readAll (${total} events)`,
        unit: 'events/s',
        ...readAll,
        baselineName: 'raw SELECT + JSON.parse',
        target: 0.7,
      },
    ];
    const ok = report('event store: port / raw', figures);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await store.close();
    raw.db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
