import type Database from 'better-sqlite3';
import { IdempotencyKeyConflictError } from '../event-store.errors';
import { BoundKey, IDEMPOTENCY_KEY, KeyBinding, REQUEST_HASH } from '../idempotency-keys';

/**
 * The embedded store's idempotency keys (see idempotency-keys.ts): one row per key, keyed by it, written inside the
 * append's own transaction (savepoint), so a key is bound exactly when its events are committed and a refused
 * append binds nothing. `WITHOUT ROWID`: the key is the clustered primary key, so a lookup is one B-tree descent.
 */
const KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key         TEXT NOT NULL PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  stream      TEXT NOT NULL
) WITHOUT ROWID;
`;

export class SqliteIdempotencyKeys {
  private readonly statements;

  constructor(db: Database.Database) {
    const existed = db
      .prepare<[], { one: number }>(
        "SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = 'idempotency_keys'",
      )
      .get();
    if (!existed) createAndBackfill(db);
    this.statements = {
      bind: db.prepare<[string, string, string]>(
        'INSERT INTO idempotency_keys (key, fingerprint, stream) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING',
      ),
      lookup: db.prepare<[string], BoundKey>('SELECT fingerprint, stream FROM idempotency_keys WHERE key = ?'),
    };
  }

  lookup(key: string): BoundKey | null {
    return this.statements.lookup.get(key) ?? null;
  }

  /** Inside the append's transaction: binds each new key, throws (rolling the append back) on a conflict. */
  bind(stream: string, bindings: readonly KeyBinding[]): void {
    for (const { key, fingerprint } of bindings) {
      // The usual case, a new key, costs the one insert; only a key seen before is read back and compared.
      if (this.statements.bind.run(key, fingerprint, stream).changes === 1) continue;
      if (this.statements.lookup.get(key)?.fingerprint !== fingerprint)
        throw new IdempotencyKeyConflictError(stream, key);
    }
  }
}

/**
 * A database written before the table existed gets it, filled from the events that already carry a key: the first
 * (lowest position) event with a key binds it, as the append did. Events recorded before keys were written carry
 * none and bind nothing (their commands keep the per-stream protection of `commandId`/`commandHash`): their requests'
 * fingerprints were never stored, and a binding guessed from `commandHash` would refuse honest retries. One scan,
 * once, in one transaction with the table's creation, so a crash leaves either both or neither.
 */
function createAndBackfill(db: Database.Database): void {
  db.transaction(() => {
    db.exec(KEYS_SCHEMA);
    db.prepare(
      `INSERT INTO idempotency_keys (key, fingerprint, stream)
       SELECT json_extract(metadata, '$.${IDEMPOTENCY_KEY}'), json_extract(metadata, '$.${REQUEST_HASH}'), stream
       FROM events
       WHERE json_extract(metadata, '$.${IDEMPOTENCY_KEY}') IS NOT NULL
         AND json_extract(metadata, '$.${REQUEST_HASH}') IS NOT NULL
       ORDER BY position
       ON CONFLICT (key) DO NOTHING`,
    ).run();
  }).immediate();
}
