import type { Document as BsonDocument, Filter, Sort } from 'mongodb';
import type { StoredDocument } from './mongo-documents';
import type { FindQuery, Scalar, SortDirection } from '../read-model-store.port';
import { InvalidCursorError } from '../read-model.errors';

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface MongoFind {
  filter: Filter<StoredDocument>;
  sort: Sort;
  /** One more than asked, to know whether a next page exists. */
  limit: number | undefined;
  /** The fields, in order, whose values (then `_id`) make the cursor of the last document. */
  keys: string[];
  /**
   * For a paged sort, per sort field: the aggregation that lists the types of its values among the matching
   * documents (`missing` for none), which must be one orderable type for keyset paging to skip nothing.
   */
  sortTypeChecks: Array<{ field: string; pipeline: BsonDocument[] }>;
}

/**
 * The port's find as a MongoDB query: equality filters on top-level fields, an id prefix as a range of `_id` (the
 * primary index serves it), a sort with `_id` as the last key so that the order is total, and keyset pagination:
 * the cursor holds the sort values and id of the last document, and the next page starts strictly after them.
 */
export function toMongoFind(query: FindQuery): MongoFind {
  const sort = query.sort ?? [];
  for (const [field] of sort) assertField(field);
  const conditions: Array<Filter<StoredDocument>> = [];
  const equalities: BsonDocument = {};
  for (const [field, value] of Object.entries(query.filter ?? {})) {
    assertField(field);
    equalities[field] = value;
  }
  if (Object.keys(equalities).length > 0) conditions.push(equalities);
  if (query.idPrefix) conditions.push({ _id: { $gte: query.idPrefix, $lt: prefixEnd(query.idPrefix) } });
  const keys: Array<[string, SortDirection]> = [...sort, ['_id', 1]];
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor, keys.length);
    conditions.push({
      $or: keys.map(([field, direction], i) => {
        const branch: BsonDocument = {};
        keys.slice(0, i).forEach(([earlier], j) => (branch[earlier] = after[j]));
        branch[field] = { [direction === 1 ? '$gt' : '$lt']: after[i] };
        return branch;
      }),
    });
  }
  const matching = conditions.filter((condition) => !('$or' in condition));
  const base = matching.length === 0 ? {} : matching.length === 1 ? matching[0] : { $and: matching };
  const sortTypeChecks =
    query.limit === undefined
      ? []
      : sort.map(([field]) => ({
          field,
          pipeline: [{ $match: base }, { $group: { _id: { $type: `$${field}` } } }, { $limit: 10 }],
        }));
  const filter = conditions.length === 0 ? {} : conditions.length === 1 ? conditions[0] : { $and: conditions };
  return {
    sortTypeChecks,
    filter,
    sort: keys.map(([field, direction]) => [field, direction] as [string, SortDirection]),
    limit: query.limit === undefined ? undefined : query.limit + 1,
    keys: sort.map(([field]) => field),
  };
}

/** The cursor after a document: its values of the sort fields, then its id. */
export function cursorAfter(document: BsonDocument, keys: string[]): string {
  const values: Array<Scalar> = [...keys.map((field) => (document[field] ?? null) as Scalar), document._id as string];
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): Scalar[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === length &&
      values.every(isScalar) &&
      typeof values[length - 1] === 'string'
    )
      return values;
  } catch {
    // Not base64url JSON: the same answer as a well-formed cursor of the wrong shape, below.
  }
  throw new InvalidCursorError();
}

export function assertField(field: string): void {
  if (!FIELD.test(field)) throw new Error(`'${field}' is not a top-level field name`);
}

/** The smallest string greater than every string that starts with `prefix`. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
