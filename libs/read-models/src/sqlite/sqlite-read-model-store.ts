import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
// The opener's own module, not the index (which brings the store factories and the KurrentDB client): the
// projection thread opens this store too.
import type { Position } from '@app/event-store';
import { openWalDatabase } from '@app/event-store/sqlite/open-wal-database';
import type {
  Document,
  FindQuery,
  FindResult,
  IndexSpec,
  ProjectionCommit,
  ReadModelStore,
  ReadModelStoreHealth,
  ReadModelWriter,
} from '../read-model-store.port';
import { stagedCheckpoint, stagedCollection } from '../read-model-store.port';
import { InvalidCursorError } from '../read-model.errors';
import { assertCollection, assertField, findDocuments } from './sqlite-find';

const MAX_CACHED_STATEMENTS = 512;

export { InvalidCursorError };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rm_documents (
  collection TEXT NOT NULL,
  id         TEXT NOT NULL,
  doc        TEXT NOT NULL,
  PRIMARY KEY (collection, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rm_checkpoints (
  projection TEXT PRIMARY KEY,
  position   INTEGER NOT NULL
);
`;

export interface SqliteReadModelStoreOptions {
  file: string;
  busyTimeoutMs?: number;
}

/**
 * Read models in SQLite: one table of JSON documents keyed by (collection, id), with expression indexes on the
 * fields a projection declares. Writes go through one connection, one transaction at a time; queries use a
 * second connection, so they only ever see committed batches.
 */
export class SqliteReadModelStore implements ReadModelStore {
  private readonly writer: Database.Database;
  private readonly reader: Database.Database;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statements = new Map<string, Database.Statement>();
  private committedTransactions = 0;

  constructor(options: SqliteReadModelStoreOptions) {
    this.writer = openWalDatabase(options.file);
    // Read models can always be rebuilt, and the checkpoint commits with them: a lost tail is simply replayed.
    this.writer.pragma('synchronous = NORMAL');
    this.writer.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.writer.exec(SCHEMA);
    this.reader = new Database(options.file, { readonly: true });
    this.reader.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.file = options.file;
    this.inode = options.file === ':memory:' ? null : statSync(options.file).ino;
  }

  private readonly file: string;
  /** The file this store opened: a file deleted or replaced underneath keeps serving the old one, unseen. */
  private readonly inode: number | null;

  /** Down once the file it opened is no longer at its path (deleted, or replaced by another file). */
  async health(): Promise<ReadModelStoreHealth> {
    if (this.inode === null) return { status: 'up', adapter: 'sqlite' };
    let now: number | null = null;
    try {
      now = statSync(this.file).ino;
    } catch {
      // Gone: reported below.
    }
    if (now === this.inode) return { status: 'up', adapter: 'sqlite' };
    return {
      status: 'down',
      adapter: 'sqlite',
      detail: `${this.file} was ${now === null ? 'deleted' : 'replaced'} while open; restart the service and rebuild the projections`,
    };
  }

  /**
   * Partial indexes, one collection each: a document of another collection neither pays for their expressions
   * when it is written nor takes room in them. Queries name the collection literally so that SQLite can use them.
   */
  async ensureIndexes(collection: string, indexes: IndexSpec[]): Promise<void> {
    assertCollection(collection);
    for (const index of indexes) {
      index.fields.forEach(assertField);
      const suffix = `${collection}_${index.name}`.replace(/[^A-Za-z0-9_]/g, '_');
      const columns = index.fields.map((field) => `json_extract(doc, '$.${field}')`).join(', ');
      // Earlier versions indexed every collection's documents under this name.
      this.writer.exec(`DROP INDEX IF EXISTS rm_${suffix}`);
      this.writer.exec(
        `CREATE INDEX IF NOT EXISTS rm_partial_${suffix} ON rm_documents (${columns}) WHERE collection = '${collection}'`,
      );
    }
  }

  async get<T extends Document>(collection: string, id: string): Promise<(T & { _id: string }) | null> {
    return getFrom<T>(
      this.statement(this.committedReader(), 'SELECT doc FROM rm_documents WHERE collection = ? AND id = ?'),
      collection,
      id,
    );
  }

  async getMany<T extends Document>(collection: string, ids: string[]): Promise<Map<string, T>> {
    return this.getManyFrom<T>(this.committedReader(), collection, ids);
  }

  /**
   * The connection that reads what is committed, and only that: the writing one between transactions, the read-only
   * one while a transaction is open (it spans awaits, so a read may come in the middle of it). Why the writer when it
   * can: SQLite drops a connection's whole page cache when another connection has committed since its last read, so
   * the read-only one re-read every page it needed after each batch (the applier's `getMany` of a batch's documents
   * cost ~2x on it, measured in the API), while the writer's cache holds the pages it has just written.
   */
  private committedReader(): Database.Database {
    return this.writer.inTransaction ? this.reader : this.writer;
  }

  async find<T extends Document>(collection: string, query: FindQuery = {}): Promise<FindResult<T>> {
    return findDocuments<T>((sql) => this.statement(this.reader, sql), collection, query);
  }

  async checkpoint(projection: string): Promise<Position | null> {
    const row = this.statement(this.committedReader(), 'SELECT position FROM rm_checkpoints WHERE projection = ?').get(
      projection,
    ) as { position: number } | undefined;
    return row ? BigInt(row.position) : null;
  }

  commit(projection: string, checkpoint: Position, work: (writer: ReadModelWriter) => Promise<void>): Promise<void> {
    return this.commitMany([{ projection, checkpoint, work }]).then(() => undefined);
  }

  /**
   * One BEGIN IMMEDIATE … COMMIT for every projection of a batch: a COMMIT on read-models.db costs far more than
   * the writes it carries (it writes the WAL, and took a tenth of an AssignLicense's CPU as one per projection).
   */
  commitMany(commits: readonly ProjectionCommit[]): Promise<void[]> {
    if (commits.length === 0) return Promise.resolve([]);
    return this.exclusive(async () => {
      this.writer.exec('BEGIN IMMEDIATE');
      try {
        const writer = this.transactionWriter();
        for (const { projection, checkpoint, work } of commits) {
          // One statement moves the checkpoint, and only forwards: it changes no row when the stored one is at or
          // past this part's (a projection named twice must move forwards from its own first part). It was a SELECT
          // and an INSERT per projection, 0.35 statements an AssignLicense of 3.2 on read-models.db.
          const moved = this.statement(
            this.writer,
            'INSERT INTO rm_checkpoints (projection, position) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET position = excluded.position WHERE excluded.position > rm_checkpoints.position',
          ).run(projection, Number(checkpoint));
          if (moved.changes === 0) {
            const current = this.statement(this.writer, 'SELECT position FROM rm_checkpoints WHERE projection = ?').get(
              projection,
            ) as { position: number };
            throw new Error(
              `projection ${projection} is at ${current.position}; refusing to apply up to ${checkpoint} again`,
            );
          }
          await work(writer);
        }
        this.writer.exec('COMMIT');
        this.committedTransactions++;
      } catch (error) {
        this.writer.exec('ROLLBACK');
        throw error;
      }
      return commits.map(() => undefined);
    });
  }

  /** How many write transactions committed documents and checkpoints (tests count them). */
  get transactions(): number {
    return this.committedTransactions;
  }

  reset(projection: string, collections: string[]): Promise<void> {
    return this.exclusive(async () => {
      const wipe = this.writer.transaction(() => {
        for (const collection of collections)
          this.statement(this.writer, 'DELETE FROM rm_documents WHERE collection = ?').run(collection);
        this.statement(this.writer, 'DELETE FROM rm_checkpoints WHERE projection = ?').run(projection);
      });
      wipe.immediate();
    });
  }

  /** One transaction: the live documents go, the staged ones take their collection, the checkpoint follows. */
  promote(projection: string, collections: string[], checkpoint: Position | null): Promise<void> {
    return this.exclusive(async () => {
      const swap = this.writer.transaction(() => {
        for (const collection of collections) {
          this.statement(this.writer, 'DELETE FROM rm_documents WHERE collection = ?').run(collection);
          this.statement(this.writer, 'UPDATE rm_documents SET collection = ? WHERE collection = ?').run(
            collection,
            stagedCollection(collection),
          );
        }
        const setCheckpoint =
          'INSERT INTO rm_checkpoints (projection, position) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET position = excluded.position';
        if (checkpoint === null)
          this.statement(this.writer, 'DELETE FROM rm_checkpoints WHERE projection = ?').run(projection);
        else this.statement(this.writer, setCheckpoint).run(projection, Number(checkpoint));
        this.statement(this.writer, 'DELETE FROM rm_checkpoints WHERE projection = ?').run(
          stagedCheckpoint(projection),
        );
      });
      swap.immediate();
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.reader.close();
    this.writer.close();
  }

  private transactionWriter(): ReadModelWriter {
    const select = this.statement(this.writer, 'SELECT doc FROM rm_documents WHERE collection = ? AND id = ?');
    const upsert = this.statement(
      this.writer,
      'INSERT INTO rm_documents (collection, id, doc) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc',
    );
    const remove = this.statement(this.writer, 'DELETE FROM rm_documents WHERE collection = ? AND id = ?');
    return {
      get: async <T extends Document>(collection: string, id: string) => getFrom<T>(select, collection, id),
      getMany: async <T extends Document>(collection: string, ids: string[]) =>
        this.getManyFrom<T>(this.writer, collection, ids),
      find: async () => {
        throw new Error('find inside a projection transaction is not supported: address documents by id');
      },
      upsert: async (collection, id, document) => {
        upsert.run(collection, id, JSON.stringify('_id' in document ? { ...document, _id: undefined } : document));
      },
      delete: async (collection, id) => {
        remove.run(collection, id);
      },
    };
  }

  private getManyFrom<T extends Document>(db: Database.Database, collection: string, ids: string[]): Map<string, T> {
    const found = new Map<string, T>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const sql = `SELECT id, doc FROM rm_documents WHERE collection = ? AND id IN (${chunk.map(() => '?').join(', ')})`;
      for (const row of this.statement(db, sql).all(collection, ...chunk) as Array<{ id: string; doc: string }>) {
        found.set(row.id, JSON.parse(row.doc) as T);
      }
    }
    return found;
  }

  /** One transaction at a time on the write connection: BEGIN … COMMIT spans awaits. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.catch(() => undefined).then(work);
    this.queue = run;
    return run;
  }

  private statement(db: Database.Database, sql: string): Database.Statement {
    const key = `${db === this.writer ? 'w' : 'r'}:${sql}`;
    let statement = this.statements.get(key);
    if (!statement) {
      statement = db.prepare(sql);
      // Page sizes are written into the SQL (see sqlite-find): the oldest statement goes beyond a bound.
      if (this.statements.size >= MAX_CACHED_STATEMENTS)
        this.statements.delete(this.statements.keys().next().value ?? key);
      this.statements.set(key, statement);
    }
    return statement;
  }
}

function getFrom<T extends Document>(
  statement: Database.Statement,
  collection: string,
  id: string,
): (T & { _id: string }) | null {
  const row = statement.get(collection, id) as { doc: string } | undefined;
  return row ? { ...(JSON.parse(row.doc) as T), _id: id } : null;
}
