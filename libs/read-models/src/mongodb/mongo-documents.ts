import { AnyBulkWriteOperation, Document as BsonDocument, Long } from 'mongodb';
import type { Position } from '@app/event-store';
import type { Document } from '../read-model-store.port';

/**
 * How read-model documents are stored in MongoDB: as they are, under `_id`, plus the position of the last batch
 * that wrote them (`_appliedPosition`, a 64-bit integer). Every write is conditional on that position, on the
 * server, in the same operation: a document already written by this or a later batch is left as it is. So a batch
 * replayed after a crash (events the store already holds, with or without transactions) never applies twice.
 */
export const APPLIED_POSITION = '_appliedPosition';

/** A read-model document as MongoDB holds it: string ids, any fields. */
export interface StoredDocument {
  _id: string;
  [field: string]: unknown;
}

const MAX_POSITION = (1n << 63n) - 1n;

export function positionToBson(position: Position): Long {
  if (position < 0n || position > MAX_POSITION)
    throw new RangeError(`position ${position} does not fit a 64-bit integer`);
  return Long.fromBigInt(position);
}

/** A stored position, as the driver hands it back: a number when it fits 53 bits, a Long otherwise. */
export function positionFromBson(value: unknown): Position {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'bigint') return value;
  if (value instanceof Long) return value.toBigInt();
  throw new TypeError(`'${String(value)}' is not a stored position`);
}

/**
 * Replaces the document unless it already carries this position or a later one; creates it if missing. An update
 * pipeline decides on the server, atomically: `$replaceWith` either the new document or the document itself
 * (`$$ROOT`). The new document goes in as a `$literal`, so that no value of it is read as an expression.
 */
export function guardedUpsert(
  id: string,
  document: Document,
  position: Position,
): AnyBulkWriteOperation<StoredDocument> {
  const at = positionToBson(position);
  const stored = { ...withoutInternalFields(document), _id: id, [APPLIED_POSITION]: at };
  return {
    updateOne: {
      filter: { _id: id },
      update: [{ $replaceWith: { $cond: [{ $lt: [`$${APPLIED_POSITION}`, at] }, { $literal: stored }, '$$ROOT'] } }],
      upsert: true,
    },
  };
}

/** Deletes the document only if no later batch has written it since. */
export function guardedDelete(id: string, position: Position): AnyBulkWriteOperation<StoredDocument> {
  return { deleteOne: { filter: { _id: id, [APPLIED_POSITION]: { $lt: positionToBson(position) } } } };
}

/** The writes of a bulk result that the guard left undone. */
export function staleWrites(
  planned: { upserts: number; deletes: number },
  result: { modifiedCount: number; upsertedCount: number; deletedCount: number },
): number {
  return planned.upserts - result.modifiedCount - result.upsertedCount + (planned.deletes - result.deletedCount);
}

/** A stored document as the port hands it out: its fields and `_id`, without the guard's position. */
export function fromStored<T extends Document>(stored: BsonDocument): T & { _id: string } {
  const { [APPLIED_POSITION]: _, ...rest } = stored;
  return rest as T & { _id: string };
}

function withoutInternalFields(document: Document): Document {
  const { _id: _, [APPLIED_POSITION]: __, ...rest } = document;
  return rest;
}
