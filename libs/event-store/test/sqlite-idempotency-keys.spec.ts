import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdempotencyKeyConflictError, SqliteEventStore } from '../src';
import { keyed } from './idempotency-keys.contract';

/**
 * A database written before the key table existed gets it when opened, filled from the events that carry a key
 * (sqlite-idempotency-keys.ts); events without one bind nothing.
 */
describe('SQLite idempotency keys on a database older than the key table', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'es-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('binds the keys its events carry, the first event of each key winning', async () => {
    const file = join(dir, 'events.db');
    const [early, late, unkeyed] = [randomUUID(), randomUUID(), randomUUID()];
    const store = new SqliteEventStore({ file });
    await store.append('s-a', keyed(2, early, 'request-1'), 'no_stream');
    await store.append('s-b', keyed(1, late, 'request-2'), 'no_stream');
    await store.append('s-c', [{ id: randomUUID(), type: 'Old', data: {}, metadata: { commandId: unkeyed } }], 'any');
    await store.close();
    // As the file was before the table existed: the events alone.
    const raw = new Database(file);
    raw.exec('DROP TABLE idempotency_keys');
    // A later event carrying the same key for another request (no writer checked keys then): the first one binds.
    raw
      .prepare(
        'INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, 0, ?, ?, ?, ?, ?)',
      )
      .run(
        's-e',
        randomUUID(),
        'Keyed',
        '{}',
        JSON.stringify(keyed(1, early, 'request-x')[0].metadata),
        new Date().toISOString(),
      );
    raw.close();

    const reopened = new SqliteEventStore({ file });
    try {
      expect(await reopened.idempotencyKey(early)).toEqual({ fingerprint: 'request-1', stream: 's-a' });
      expect(await reopened.idempotencyKey(late)).toEqual({ fingerprint: 'request-2', stream: 's-b' });
      expect(await reopened.idempotencyKey(unkeyed)).toBeNull();
      await expect(reopened.append('s-d', keyed(1, early, 'request-9'), 'any')).rejects.toBeInstanceOf(
        IdempotencyKeyConflictError,
      );
    } finally {
      await reopened.close();
    }
  });
});
