import type { Position } from '@app/event-store';
import type { Document, PositionedDocument, ReadModelWriter } from '@app/read-models';

/** Reads committed documents by id, in one round trip per collection, with the position each was written at if the store keeps it. */
export type DocumentLoader = (collection: string, ids: string[]) => Promise<Map<string, PositionedDocument<Document>>>;
import type { BatchDocuments } from './projection';

/**
 * Documents as the projections' own transactions last committed them. Only the applier writes a projection's
 * collections, so what it committed is what the store holds: most reads need no round trip. Bounded; dropped
 * whole when a commit fails.
 */
export class CommittedDocuments {
  private readonly collections = new Map<string, Map<string, Document | null>>();
  private size = 0;
  /** Insertion order, for eviction: first in, first out (a lookup does not reorder, which keeps lookups cheap). */
  private readonly order: Array<[string, string]> = [];
  private head = 0;
  /**
   * True while this cache holds every document of its projections: after a reset (the collections were emptied)
   * and before the first eviction. Then a document it does not hold does not exist, and needs no read.
   */
  private complete = false;

  constructor(private readonly capacity = 200_000) {}

  /** The projections' collections were just emptied. */
  startComplete(): void {
    this.clear();
    this.complete = true;
  }

  /** Whether a document this cache does not hold is known not to exist. */
  get isComplete(): boolean {
    return this.complete;
  }

  lookup(collection: string, id: string): Document | null | undefined {
    // Nothing held (a rebuild, which remembers nothing until it ends): no Map to look in for each new document.
    if (this.size === 0) return this.complete ? null : undefined;
    const found = this.collections.get(collection)?.get(id);
    return found === undefined && this.complete ? null : found;
  }

  remember(collection: string, id: string, document: Document | null): void {
    let byId = this.collections.get(collection);
    if (!byId) this.collections.set(collection, (byId = new Map<string, Document | null>()));
    if (!byId.has(id)) {
      this.size++;
      this.order.push([collection, id]);
    }
    byId.set(id, document);
    while (this.size > this.capacity) {
      this.complete = false;
      const [oldCollection, oldId] = this.order[this.head++];
      if (this.collections.get(oldCollection)?.delete(oldId)) this.size--;
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.complete = false;
    this.collections.clear();
    this.order.length = 0;
    this.head = 0;
    this.size = 0;
  }
}

interface Entry {
  document: Document | null;
  dirty: boolean;
  /** The store holds this document as the batch began: only then does removing it need a delete. */
  stored: boolean;
  /**
   * The position the store says this document was last written at, if it keeps one. Past the projection's own
   * checkpoint, the document already reflects events the projection is about to apply (a batch written without
   * transactions whose checkpoint was lost in a crash).
   */
  writtenAt: Position | null;
}

/**
 * A unit of work: `load` fetches, in one round trip per collection, the documents a batch names and the cache does
 * not hold; reads are then synchronous; `flush` writes each changed document once, inside the transaction that
 * also moves the checkpoint. One unit may span several batches (a rebuild does that to write less).
 */
export class CachedBatchDocuments implements BatchDocuments {
  private readonly batch = new Map<string, Map<string, Entry>>();
  private changed = 0;
  // The document last asked for, in three fields rather than one object: no allocation per lookup.
  private lastCollection: string | null = null;
  private lastId: string | null = null;
  private lastEntry: Entry | null = null;
  private applying: Position | null = null;

  constructor(
    private readonly loader: DocumentLoader,
    private readonly committed: CommittedDocuments,
  ) {}

  /** How many documents wait to be written. */
  get pendingWrites(): number {
    return this.changed;
  }

  /**
   * The position of the event about to be applied. A document that already reflects it (written at or after it)
   * keeps its stored state: this event's changes to it are dropped, so a replayed event never applies twice.
   */
  applyingAt(position: Position): void {
    this.applying = position;
  }

  async load(wanted: Iterable<[collection: string, id: string]>): Promise<void> {
    const missing = new Map<string, Set<string>>();
    for (const [collection, id] of wanted) {
      const byId = this.entries(collection);
      if (byId.has(id)) continue;
      const known = this.committed.lookup(collection, id);
      if (known !== undefined) byId.set(id, { document: known, dirty: false, stored: known !== null, writtenAt: null });
      else {
        let ids = missing.get(collection);
        if (!ids) missing.set(collection, (ids = new Set()));
        ids.add(id);
      }
    }
    for (const [collection, ids] of missing) {
      const found = await this.loader(collection, [...ids]);
      const byId = this.entries(collection);
      for (const id of ids) {
        const stored = found.get(id);
        byId.set(id, {
          document: stored === undefined ? null : withoutId(stored.document),
          dirty: false,
          stored: stored !== undefined,
          writtenAt: stored?.appliedPosition ?? null,
        });
      }
    }
  }

  get<T extends Document>(collection: string, id: string): T | null {
    return this.entry(collection, id, 'read').document as T | null;
  }

  put(collection: string, id: string, document: Document): void {
    this.change(collection, id, document);
  }

  remove(collection: string, id: string): void {
    this.change(collection, id, null);
  }

  async flush(writer: ReadModelWriter): Promise<void> {
    for (const [collection, byId] of this.batch) {
      for (const [id, entry] of byId) {
        if (!entry.dirty) continue;
        if (entry.document !== null) await writer.upsert(collection, id, entry.document);
        else if (entry.stored) await writer.delete(collection, id);
      }
    }
  }

  /**
   * After the transaction committed up to `upTo`: what it wrote (and read) is now the committed state. Documents
   * still ahead of `upTo` are not remembered, so that the next batch reads them, and where they stand, again.
   */
  remember(upTo: Position): void {
    for (const [collection, byId] of this.batch) {
      for (const [id, entry] of byId)
        if (entry.writtenAt === null || entry.writtenAt <= upTo)
          this.committed.remember(collection, id, entry.document);
    }
  }

  private change(collection: string, id: string, document: Document | null): void {
    const entry = this.entry(collection, id, 'written');
    if (entry.writtenAt !== null && this.applying !== null && entry.writtenAt >= this.applying) return;
    if (!entry.dirty) this.changed++;
    entry.document = document;
    entry.dirty = true;
  }

  /**
   * A document not loaded by `load` is still at hand when the committed cache is complete (a rebuild): then
   * whatever it does not hold does not exist, and the batch needs no `load` at all.
   */
  private entry(collection: string, id: string, use: 'read' | 'written'): Entry {
    // A projection puts back what it just got: the same id string, found again without hashing it.
    if (this.lastEntry !== null && this.lastId === id && this.lastCollection === collection) return this.lastEntry;
    const byId = this.entries(collection);
    let entry = byId.get(id);
    if (!entry) entry = this.enter(byId, collection, id, use);
    this.lastCollection = collection;
    this.lastId = id;
    this.lastEntry = entry;
    return entry;
  }

  private enter(byId: Map<string, Entry>, collection: string, id: string, use: 'read' | 'written'): Entry {
    const known = this.committed.lookup(collection, id);
    if (known === undefined)
      throw new Error(`document ${collection}/${id} was ${use} without being named by documentsFor`);
    const entry: Entry = { document: known, dirty: false, stored: known !== null, writtenAt: null };
    byId.set(id, entry);
    return entry;
  }

  private entries(collection: string): Map<string, Entry> {
    let byId = this.batch.get(collection);
    if (!byId) this.batch.set(collection, (byId = new Map<string, Entry>()));
    return byId;
  }
}

function withoutId<T extends Document>(document: T & { _id?: string }): T {
  const copy: T & { _id?: string } = { ...document };
  delete copy._id;
  return copy;
}
