import type Database from 'better-sqlite3';
import type { Document, FindQuery, FindResult, Scalar } from '../read-model-store.port';
import { assertPageableSort, InvalidCursorError } from '../read-model.errors';

/** The SQLite read-model store's queries: filters, sort and keyset pages over the JSON documents. */

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Documents of `collection` matching `query`, a page at a time when it has a limit (see FindQuery). */
export function findDocuments<T extends Document>(
  statement: (sql: string) => Database.Statement,
  collection: string,
  query: FindQuery,
): FindResult<T> {
  const filter = Object.entries(query.filter ?? {});
  filter.forEach(([field]) => assertField(field));
  const sort = query.sort ?? [];
  sort.forEach(([field]) => assertField(field));
  assertCollection(collection);
  const conditions = [`collection = '${collection}'`];
  const params: Array<string | number | null> = [];
  if (query.idPrefix) {
    conditions.push('id >= ? AND id < ?');
    params.push(query.idPrefix, prefixEnd(query.idPrefix));
  }
  for (const [field, value] of filter) {
    if (value === null) conditions.push(`json_extract(doc, '$.${field}') IS NULL`);
    else {
      conditions.push(`json_extract(doc, '$.${field}') = ?`);
      params.push(sqlValue(value));
    }
  }
  // Paged: every matching document must hold one type of value in each sort field, or pages would skip some.
  if (query.limit !== undefined) {
    for (const [field] of sort) {
      const types = statement(
        `SELECT DISTINCT json_type(doc, '$.${field}') AS type FROM rm_documents WHERE ${conditions.join(' AND ')}`,
      ).all(...params) as Array<{ type: string | null }>;
      assertPageableSort(
        collection,
        field,
        types.map((row) => row.type),
      );
    }
  }
  const keys = [
    ...sort.map(([field, direction]) => ({ expression: `json_extract(doc, '$.${field}')`, direction })),
    { expression: 'id', direction: 1 as const },
  ];
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor, keys.length);
    // Keyset pagination: strictly after the last row of the previous page, in the same total order.
    const alternatives = keys.map((key, i) => {
      const equal = keys.slice(0, i).map((k) => `${k.expression} = ?`);
      return `(${[...equal, `${key.expression} ${key.direction === 1 ? '>' : '<'} ?`].join(' AND ')})`;
    });
    conditions.push(`(${alternatives.join(' OR ')})`);
    keys.forEach((_, i) => params.push(...after.slice(0, i + 1)));
  }
  const order = keys.map((key) => `${key.expression} ${key.direction === 1 ? 'ASC' : 'DESC'}`).join(', ');
  const limit = query.limit ?? -1;
  // The LIMIT is written in, not bound: a bound LIMIT makes every run re-plan in this SQLite build (see the event store).
  if (limit !== -1 && !(Number.isSafeInteger(limit) && limit > 0))
    throw new RangeError('limit must be a positive integer');
  const sql = `SELECT id, doc FROM rm_documents WHERE ${conditions.join(' AND ')} ORDER BY ${order}${limit === -1 ? '' : ` LIMIT ${limit + 1}`}`;
  const rows = statement(sql).all(...params) as Array<{
    id: string;
    doc: string;
  }>;
  const page = limit === -1 ? rows : rows.slice(0, limit);
  const items = page.map((row) => ({ ...(JSON.parse(row.doc) as T), _id: row.id }));
  const last = items[items.length - 1];
  const nextCursor =
    limit !== -1 && rows.length > limit && last
      ? encodeCursor([...sort.map(([field]) => sqlValue((last as Record<string, unknown>)[field] as Scalar)), last._id])
      : undefined;
  return nextCursor ? { items, nextCursor } : { items };
}

/** The smallest string greater than every string that starts with `prefix`. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** Collection names are written into SQL (partial indexes need literals), so they are plain identifiers. */
export function assertCollection(collection: string): void {
  if (!FIELD.test(collection)) throw new Error(`'${collection}' is not a collection name`);
}

export function assertField(field: string): void {
  if (!FIELD.test(field)) throw new Error(`'${field}' is not a top-level field name`);
}

function sqlValue(value: Scalar): string | number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

function encodeCursor(values: Array<string | number | null>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function isSortValue(value: unknown): value is string | number | null {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function decodeCursor(cursor: string, length: number): Array<string | number | null> {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A cursor comes from the caller: every value is bound into the query, so each must be what this store encodes
    // (a sort value as SQLite holds it, then the id), never an object or array that SQLite's bind would refuse.
    if (
      Array.isArray(values) &&
      values.length === length &&
      values.every(isSortValue) &&
      typeof values[length - 1] === 'string'
    )
      return values;
  } catch {
    // fall through to the error below
  }
  throw new InvalidCursorError();
}
