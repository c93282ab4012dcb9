import { ClientSession, Collection, Db, MongoClient, MongoServerError } from 'mongodb';
import type { Position } from '@app/event-store';
import type {
  CommitOutcome,
  Document,
  FindQuery,
  FindResult,
  IndexSpec,
  PositionedDocument,
  ProjectionCommit,
  ReadModelStore,
  ReadModelStoreHealth,
} from '../read-model-store.port';
import { assertPageableSort, CheckpointRegressionError, ReadModelStoreUnavailableError } from '../read-model.errors';
import { BufferedWriter } from './buffered-writer';
import {
  APPLIED_POSITION,
  fromStored,
  positionFromBson,
  positionToBson,
  staleWrites,
  StoredDocument,
} from './mongo-documents';
import { assertField, cursorAfter, toMongoFind } from './mongo-find';
import { CHECKPOINTS, resetProjection } from './mongo-reset';
import { stagedCheckpoint, stagedCollection } from '../read-model-store.port';

export interface MongoReadModelStoreOptions {
  url: string;
  database: string;
  /** Bound on server selection (and so on the check at start). */
  connectTimeoutMs?: number;
  /** `auto` (default): a transaction per batch when the deployment supports them; `off`: never. */
  transactions?: 'auto' | 'off';
}

interface CheckpointDocument {
  _id: string;
  position: unknown;
}

type Plans = ReturnType<BufferedWriter['planned']>;

export const MONGO_MAX_WRITES_PER_COMMIT = 5_000;
const IN_CHUNK = 10_000;

/**
 * Read models in MongoDB, one collection per read-model collection, documents under their own `_id`.
 *
 * A batch commits in one transaction — its document writes and the projection's checkpoint — when the deployment
 * supports transactions (a replica set, even of one node; a sharded cluster). Every document write is also guarded
 * by the batch's position (mongo-documents.ts), so that without transactions (a standalone server) a batch replayed
 * after a crash between its writes and its checkpoint leaves the documents it already wrote alone.
 */
export class MongoReadModelStore implements ReadModelStore {
  /**
   * A rebuild's deferred commit stays far below MongoDB's transaction limits (60 s lifetime, a transaction's changes
   * held in the WiredTiger cache): 5,000 documents of a few KB commit in well under a second.
   */
  readonly maxWritesPerCommit = MONGO_MAX_WRITES_PER_COMMIT;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    /** True when batches commit in transactions. */
    readonly transactional: boolean,
  ) {}

  /** Connects and checks the deployment; fails with ReadModelStoreUnavailableError within the connect timeout. */
  static async connect(options: MongoReadModelStoreOptions): Promise<MongoReadModelStore> {
    const timeout = options.connectTimeoutMs ?? 5_000;
    const client = new MongoClient(options.url, {
      serverSelectionTimeoutMS: timeout,
      connectTimeoutMS: timeout,
      // Like JSON in the embedded store: a field set to undefined is no field at all.
      ignoreUndefined: true,
    });
    try {
      await client.connect();
      const hello = await client.db('admin').command({ hello: 1 });
      const supportsTransactions = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
      return new MongoReadModelStore(
        client,
        client.db(options.database),
        supportsTransactions && options.transactions !== 'off',
      );
    } catch (error) {
      await client.close();
      throw new ReadModelStoreUnavailableError(
        `MongoDB did not answer within ${timeout} ms: ${(error as Error).message}`,
        error,
      );
    }
  }

  async ensureIndexes(collection: string, indexes: IndexSpec[]): Promise<void> {
    for (const index of indexes) {
      index.fields.forEach(assertField);
      await this.collection(collection).createIndex(
        Object.fromEntries(index.fields.map((field) => [field, 1])),
        { name: index.name },
        undefined,
      );
    }
  }

  async get<T extends Document>(collection: string, id: string): Promise<(T & { _id: string }) | null> {
    const stored = await this.collection(collection).findOne({ _id: id }, { projection: { [APPLIED_POSITION]: 0 } });
    return stored ? fromStored<T>(stored) : null;
  }

  async getMany<T extends Document>(collection: string, ids: string[]): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    for (const [id, { document }] of await this.getManyPositioned<T>(collection, ids)) found.set(id, document);
    return found;
  }

  async getManyPositioned<T extends Document>(
    collection: string,
    ids: string[],
  ): Promise<Map<string, PositionedDocument<T>>> {
    const found = new Map<string, PositionedDocument<T>>();
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const stored = await this.collection(collection)
        .find({ _id: { $in: ids.slice(i, i + IN_CHUNK) } })
        .toArray();
      for (const raw of stored) {
        // The id is the map's key, not a field of the document: it leaves a copy.
        const document: T & { _id?: string } = fromStored<T>(raw);
        const id = String(document._id);
        delete document._id;
        const at = raw[APPLIED_POSITION];
        found.set(id, { document, appliedPosition: at === undefined ? null : positionFromBson(at) });
      }
    }
    return found;
  }

  async find<T extends Document>(collection: string, query: FindQuery = {}): Promise<FindResult<T>> {
    const { filter, sort, limit, keys, sortTypeChecks } = toMongoFind(query);
    for (const { field, pipeline } of sortTypeChecks) {
      const types = await this.collection(collection).aggregate<{ _id: string }>(pipeline).toArray();
      assertPageableSort(
        collection,
        field,
        types.map((type) => type._id),
      );
    }
    let cursor = this.collection(collection)
      .find(filter, { projection: { [APPLIED_POSITION]: 0 } })
      .sort(sort);
    if (limit !== undefined) cursor = cursor.limit(limit);
    const found = await cursor.toArray();
    const page = query.limit === undefined ? found : found.slice(0, query.limit);
    const items = page.map((stored) => fromStored<T>(stored));
    const last = page[page.length - 1];
    return query.limit !== undefined && found.length > query.limit && last
      ? { items, nextCursor: cursorAfter(last, keys) }
      : { items };
  }

  async checkpoint(projection: string): Promise<Position | null> {
    const stored = await this.db.collection<CheckpointDocument>(CHECKPOINTS).findOne({ _id: projection });
    return stored ? positionFromBson(stored.position) : null;
  }

  async commit(projection: string, checkpoint: Position, work: ProjectionCommit['work']): Promise<CommitOutcome> {
    return (await this.commitMany([{ projection, checkpoint, work }]))[0];
  }

  /**
   * With transactions, every projection's writes and checkpoint in one; without, one projection after the other,
   * each atomic by its position guards (a crash between them leaves some checkpoints moved, with their documents).
   */
  async commitMany(commits: readonly ProjectionCommit[]): Promise<CommitOutcome[]> {
    const outcomes: CommitOutcome[] = [];
    if (!this.transactional) {
      for (const commit of commits)
        outcomes.push(await this.write(await this.plan(commit), commit.projection, commit.checkpoint));
      return outcomes;
    }
    const plans: Plans[] = [];
    for (const commit of commits) plans.push(await this.plan(commit));
    const session = this.client.startSession();
    try {
      // withTransaction retries the whole callback on transient errors; the writes are idempotent, the count restarts.
      const write = async () => {
        outcomes.length = 0;
        for (const [i, { projection, checkpoint }] of commits.entries())
          outcomes.push(await this.write(plans[i], projection, checkpoint, session));
        return outcomes;
      };
      return await session.withTransaction(write, { writeConcern: { w: 'majority' } });
    } finally {
      await session.endSession();
    }
  }

  /** Runs a projection's work against buffered writes; fails before computing anything if the batch is applied. */
  private async plan({ projection, checkpoint, work }: ProjectionCommit): Promise<Plans> {
    await this.assertAhead(projection, checkpoint);
    const writer = new BufferedWriter((collection, ids) => this.getMany(collection, ids));
    await work(writer);
    return writer.planned(checkpoint);
  }

  async reset(projection: string, collections: string[]): Promise<void> {
    if (!this.transactional) return resetProjection(this.db, projection, collections);
    const session = this.client.startSession();
    try {
      await session.withTransaction(() => resetProjection(this.db, projection, collections, session), {
        writeConcern: { w: 'majority' },
      });
    } finally {
      await session.endSession();
    }
  }

  /**
   * Each staged collection is renamed over its live one (`renameCollection` with `dropTarget`: atomic per collection;
   * MongoDB cannot rename inside a transaction, so a projection of several collections switches one at a time), then
   * the checkpoint moves. A staged collection that was never written (nothing to project) empties the live one.
   */
  async promote(projection: string, collections: string[], checkpoint: Position | null): Promise<void> {
    for (const collection of collections) {
      const staged = stagedCollection(collection);
      const exists = (await this.db.listCollections({ name: staged }, { nameOnly: true }).toArray()).length > 0;
      if (exists) await this.db.renameCollection(staged, collection, { dropTarget: true });
      else await this.collection(collection).deleteMany({});
    }
    const checkpoints = this.db.collection<CheckpointDocument>(CHECKPOINTS);
    if (checkpoint === null) await checkpoints.deleteOne({ _id: projection });
    else
      await checkpoints.updateOne(
        { _id: projection },
        { $set: { position: positionToBson(checkpoint) } },
        { upsert: true },
      );
    await checkpoints.deleteOne({ _id: stagedCheckpoint(projection) });
  }

  async health(): Promise<ReadModelStoreHealth> {
    try {
      await this.db.command({ ping: 1 });
      return { status: 'up', adapter: 'mongodb' };
    } catch (error) {
      return { status: 'down', adapter: 'mongodb', detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async write(
    plans: Plans,
    projection: string,
    checkpoint: Position,
    session?: ClientSession,
  ): Promise<CommitOutcome> {
    if (session) await this.assertAhead(projection, checkpoint, session);
    let stale = 0;
    for (const [collection, plan] of plans) {
      const result = await this.collection(collection).bulkWrite(plan.operations, { ordered: false, session });
      stale += staleWrites(plan, result);
    }
    try {
      // Moves the checkpoint only forwards: a stored one at or past it makes the upsert collide on _id.
      await this.db
        .collection<CheckpointDocument>(CHECKPOINTS)
        .updateOne(
          { _id: projection, position: { $lt: positionToBson(checkpoint) } },
          { $set: { position: positionToBson(checkpoint) } },
          { upsert: true, session },
        );
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) {
        throw new CheckpointRegressionError(projection, (await this.checkpoint(projection)) ?? checkpoint, checkpoint);
      }
      throw error;
    }
    return { staleWrites: stale };
  }

  private async assertAhead(projection: string, checkpoint: Position, session?: ClientSession): Promise<void> {
    const stored = await this.db.collection<CheckpointDocument>(CHECKPOINTS).findOne({ _id: projection }, { session });
    if (stored && positionFromBson(stored.position) >= checkpoint) {
      throw new CheckpointRegressionError(projection, positionFromBson(stored.position), checkpoint);
    }
  }

  private collection(name: string): Collection<StoredDocument> {
    return this.db.collection<StoredDocument>(name);
  }
}
