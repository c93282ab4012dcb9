/** A `cursor` that no `find` of this store handed out (or one for a different query shape). */
export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not one this query handed out');
    this.name = 'InvalidCursorError';
  }
}

/** The read-model store cannot be reached or failed underneath (network, server, replica set). */
export class ReadModelStoreUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'ReadModelStoreUnavailableError';
    this.cause = cause;
  }
}

/** A batch at or below the projection's stored checkpoint: applying it would apply events twice. */
export class CheckpointRegressionError extends Error {
  constructor(projection: string, stored: bigint, attempted: bigint) {
    super(`projection ${projection} is at ${stored}; refusing to apply up to ${attempted} again`);
    this.name = 'CheckpointRegressionError';
  }
}

/**
 * A paged sort over a field that some matching document lacks, holds null in, or holds values of different types in.
 * Keyset paging compares the last value with `>`/`<`, which neither SQLite (NULL) nor MongoDB (type bracketing)
 * answers for such values: documents would be skipped silently. So the query is refused instead.
 */
export class UnpageableSortError extends Error {
  constructor(collection: string, field: string, found: string) {
    super(
      `cannot page ${collection} sorted by '${field}': ${found}; a paged sort needs one type of value, present in every document`,
    );
    this.name = 'UnpageableSortError';
  }
}

/** Type names as SQLite's json_type and MongoDB's $type give them, by the kind of order they have. */
const KIND: Record<string, string> = {
  integer: 'number',
  real: 'number',
  int: 'number',
  long: 'number',
  double: 'number',
  decimal: 'number',
  text: 'string',
  string: 'string',
  true: 'boolean',
  false: 'boolean',
  bool: 'boolean',
};

/** Refuses a paged sort field whose values (their type names, null for a missing field) cannot be keyset-paged. */
export function assertPageableSort(collection: string, field: string, typeNames: Array<string | null>): void {
  const unordered = typeNames.filter(
    (type) => type === null || type === 'null' || type === 'missing' || KIND[type] === undefined,
  );
  if (unordered.length > 0)
    throw new UnpageableSortError(
      collection,
      field,
      `some documents hold ${unordered.map((t) => t ?? 'no value').join(', ')}`,
    );
  const kinds = new Set(typeNames.map((type) => KIND[type!]));
  if (kinds.size > 1)
    throw new UnpageableSortError(collection, field, `its values mix ${[...kinds].sort().join(' and ')}`);
}
