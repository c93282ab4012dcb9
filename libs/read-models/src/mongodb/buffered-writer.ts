import type { AnyBulkWriteOperation } from 'mongodb';
import type { Position } from '@app/event-store';
import type { Document, FindResult, ReadModelWriter } from '../read-model-store.port';
import { guardedDelete, guardedUpsert, StoredDocument } from './mongo-documents';

/** Loads committed documents by id (one `$in` query), without `_id` and the guard's position. */
export type LoadDocuments = (collection: string, ids: string[]) => Promise<Map<string, Document>>;

export interface PlannedWrites {
  operations: Array<AnyBulkWriteOperation<StoredDocument>>;
  upserts: number;
  deletes: number;
}

/**
 * The writer a batch gets: its writes are kept here (the last write of a document wins) and reads see them, so the
 * store can send them afterwards as one bulk write per collection, all guarded by the batch's position. A batch
 * that fails before the end has therefore written nothing, with or without a transaction.
 */
export class BufferedWriter implements ReadModelWriter {
  private readonly pending = new Map<string, Map<string, Document | null>>();

  constructor(private readonly load: LoadDocuments) {}

  async get<T extends Document>(collection: string, id: string): Promise<(T & { _id: string }) | null> {
    const found = await this.getMany<T>(collection, [id]);
    const document = found.get(id);
    return document === undefined ? null : { ...document, _id: id };
  }

  async getMany<T extends Document>(collection: string, ids: string[]): Promise<Map<string, T>> {
    const written = this.pending.get(collection);
    const found = new Map<string, T>();
    const unknown: string[] = [];
    for (const id of ids) {
      if (written?.has(id)) {
        const document = written.get(id);
        if (document) found.set(id, { ...document } as T);
      } else unknown.push(id);
    }
    if (unknown.length > 0)
      for (const [id, document] of await this.load(collection, unknown)) found.set(id, document as T);
    return found;
  }

  async find<T extends Document>(): Promise<FindResult<T>> {
    throw new Error('find inside a projection transaction is not supported: address documents by id');
  }

  async upsert(collection: string, id: string, document: Document): Promise<void> {
    this.writes(collection).set(id, { ...document });
  }

  async delete(collection: string, id: string): Promise<void> {
    this.writes(collection).set(id, null);
  }

  /** The guarded bulk operations of each collection, at the batch's position. */
  planned(position: Position): Map<string, PlannedWrites> {
    const plans = new Map<string, PlannedWrites>();
    for (const [collection, documents] of this.pending) {
      const plan: PlannedWrites = { operations: [], upserts: 0, deletes: 0 };
      for (const [id, document] of documents) {
        if (document === null) {
          plan.operations.push(guardedDelete(id, position));
          plan.deletes++;
        } else {
          plan.operations.push(guardedUpsert(id, document, position));
          plan.upserts++;
        }
      }
      if (plan.operations.length > 0) plans.set(collection, plan);
    }
    return plans;
  }

  private writes(collection: string): Map<string, Document | null> {
    let documents = this.pending.get(collection);
    if (!documents) this.pending.set(collection, (documents = new Map<string, Document | null>()));
    return documents;
  }
}
