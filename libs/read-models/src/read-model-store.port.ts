import type { Position } from '@app/event-store';

/**
 * Where projections keep their read models: collections of JSON documents by id, shaped so that MongoDB maps onto
 * it one to one (a collection is a collection, a document a document, `find` a find with an equality filter, a
 * sort, a limit and a cursor). The read-model writes of a batch of events and the projection's checkpoint commit
 * in one transaction, so a crash can neither apply an event twice nor skip one.
 */

export type Scalar = string | number | boolean | null;

export interface Document {
  [field: string]: unknown;
}

export type SortDirection = 1 | -1;

export interface FindQuery {
  /** Only documents whose id starts with this (ids built as `a|b|c` make this a range scan of the primary key). */
  idPrefix?: string;
  /** Equality on top-level fields. */
  filter?: Record<string, Scalar>;
  /** Fields to sort on; the document id breaks ties, so the order is total and cursors are stable. */
  sort?: Array<[field: string, direction: SortDirection]>;
  limit?: number;
  /** Continue after the last document of the previous page (opaque; from `nextCursor`). */
  cursor?: string;
}

export interface FindResult<T> {
  items: Array<T & { _id: string }>;
  /** Present when more documents may follow. */
  nextCursor?: string;
}

export interface IndexSpec {
  name: string;
  fields: string[];
}

/** The reads and writes of one transaction. Reads see the transaction's own writes. */
export interface ReadModelWriter {
  get<T extends Document>(collection: string, id: string): Promise<(T & { _id: string }) | null>;
  /** The documents among `ids` that exist, by id (one round trip: MongoDB `$in`, SQLite `IN`). */
  getMany<T extends Document>(collection: string, ids: string[]): Promise<Map<string, T>>;
  find<T extends Document>(collection: string, query?: FindQuery): Promise<FindResult<T>>;
  upsert(collection: string, id: string, document: Document): Promise<void>;
  delete(collection: string, id: string): Promise<void>;
}

export interface PositionedDocument<T extends Document> {
  document: T;
  /** Null when the store does not record it. */
  appliedPosition: Position | null;
}

export interface CommitOutcome {
  /** Writes not made because the document already reflected a later (or the same) position. */
  staleWrites: number;
}

/** One projection's part of a grouped commit (`ReadModelStore.commitMany`). */
export interface ProjectionCommit {
  projection: string;
  checkpoint: Position;
  work: (writer: ReadModelWriter) => Promise<void>;
}

export interface ReadModelStore {
  /**
   * The most document writes a rebuild may defer into one commit. A store whose transactions have limits of their
   * own (MongoDB: 60 s lifetime, the WiredTiger cache) sets it well below them; otherwise the runtime's default.
   */
  readonly maxWritesPerCommit?: number;
  /** Declared once per projection at start; a store may create indexes (MongoDB, SQLite expression indexes). */
  ensureIndexes(collection: string, indexes: IndexSpec[]): Promise<void>;
  get<T extends Document>(collection: string, id: string): Promise<(T & { _id: string }) | null>;
  /** The committed documents among `ids` that exist, by id. */
  getMany<T extends Document>(collection: string, ids: string[]): Promise<Map<string, T>>;
  /**
   * The same, with the position of the batch that last wrote each document — offered by stores that guard their
   * writes by position (MongoDB), so that a projection replaying a batch leaves documents that are ahead alone.
   */
  getManyPositioned?<T extends Document>(
    collection: string,
    ids: string[],
  ): Promise<Map<string, PositionedDocument<T>>>;
  find<T extends Document>(collection: string, query?: FindQuery): Promise<FindResult<T>>;
  /** The last position a projection has applied, or null if it has applied nothing. */
  checkpoint(projection: string): Promise<Position | null>;
  /**
   * Runs `work`, then records `checkpoint` for the projection; all of it commits, or none of it. A store that
   * guards each document with the position it was last written at may find documents already past `checkpoint`
   * (a batch replayed without transactions): it leaves them as they are and says how many it left.
   */
  commit(
    projection: string,
    checkpoint: Position,
    work: (writer: ReadModelWriter) => Promise<void>,
  ): Promise<CommitOutcome | void>;
  /**
   * Several projections' batches at once, each as `commit` would make it (its documents with its checkpoint, the
   * same refusal of a checkpoint that does not move forwards), in one transaction where the store has them: all of
   * it commits or none of it, so a failing projection leaves every checkpoint where it was and no event is lost or
   * applied twice. A store without multi-document transactions (MongoDB standalone) commits them one after the
   * other, each still atomic by its position guards; if one fails, those before it stay committed, with their
   * checkpoints, and the rest are not. Outcomes in the order of `commits`. Optional: callers fall back to `commit`.
   */
  commitMany?(commits: readonly ProjectionCommit[]): Promise<Array<CommitOutcome | void>>;
  /**
   * Online rebuilds: replaces a projection's collections with their staged copies (`stagedCollection`), built beside
   * them, and sets its checkpoint — readers see the old read model or the new one, never a mix or a half-built one.
   * The staged checkpoint goes too.
   */
  promote(projection: string, collections: string[], checkpoint: Position | null): Promise<void>;
  /** Whether the store is still what this process opened: reachable, and (embedded) its file still in place. */
  health(): Promise<ReadModelStoreHealth>;
  /** Empties the collections and the checkpoint of a projection, for a rebuild from position 0. */
  reset(projection: string, collections: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface ReadModelStoreHealth {
  status: 'up' | 'down';
  adapter: 'sqlite' | 'mongodb';
  detail?: string;
}

export const READ_MODEL_STORE = Symbol('READ_MODEL_STORE');

/** Where an online rebuild builds a collection, beside the live one. */
export const stagedCollection = (collection: string): string => `${collection}__rebuild`;
/** The checkpoint of a projection's staged copy. */
export const stagedCheckpoint = (projection: string): string => `${projection}__rebuild`;
