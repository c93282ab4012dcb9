import { Document as BsonDocument, Long } from 'mongodb';
import {
  APPLIED_POSITION,
  fromStored,
  guardedDelete,
  guardedUpsert,
  positionFromBson,
  positionToBson,
  staleWrites,
} from '../../src/mongodb/mongo-documents';

/**
 * Evaluates the guarded writes the way MongoDB documents their operators, for the subset they use: an upsert
 * with an update pipeline ($replaceWith, $cond, $lt, $literal, $$ROOT, field paths), and a delete filter with
 * equality and $lt. BSON order puts a missing field below every number.
 */
function compare(a: unknown, b: unknown): number {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  const big = (v: unknown) => (v instanceof Long ? v.toBigInt() : BigInt(v as number));
  const x = big(a);
  const y = big(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function evaluate(expression: unknown, root: BsonDocument): unknown {
  if (expression === '$$ROOT') return root;
  if (typeof expression === 'string' && expression.startsWith('$')) return root[expression.slice(1)];
  if (expression && typeof expression === 'object' && !(expression instanceof Long) && !Array.isArray(expression)) {
    const [operator, argument] = Object.entries(expression as BsonDocument)[0];
    if (operator === '$literal') return argument;
    if (operator === '$cond') {
      const [condition, then, otherwise] = argument as unknown[];
      return evaluate(condition, root) ? evaluate(then, root) : evaluate(otherwise, root);
    }
    if (operator === '$lt') {
      const [left, right] = argument as unknown[];
      return compare(evaluate(left, root), evaluate(right, root)) < 0;
    }
    throw new Error(`operator ${operator} is not modelled`);
  }
  return expression;
}

/** Applies an updateOne with upsert to a collection held as a map; answers what the server would count. */
function applyUpsert(collection: Map<string, BsonDocument>, operation: ReturnType<typeof guardedUpsert>) {
  const { filter, update, upsert } = (
    operation as { updateOne: { filter: { _id: string }; update: BsonDocument[]; upsert: boolean } }
  ).updateOne;
  const existing = collection.get(filter._id);
  const root = existing ?? { _id: filter._id };
  const [stage] = update;
  const replaced = evaluate(stage.$replaceWith, root) as BsonDocument;
  if (!existing) {
    expect(upsert).toBe(true);
    collection.set(filter._id, replaced);
    return { modifiedCount: 0, upsertedCount: 1 };
  }
  const changed = replaced !== existing;
  if (changed) collection.set(filter._id, replaced);
  return { modifiedCount: changed ? 1 : 0, upsertedCount: 0 };
}

function applyDelete(collection: Map<string, BsonDocument>, operation: ReturnType<typeof guardedDelete>) {
  const { filter } = (operation as { deleteOne: { filter: BsonDocument } }).deleteOne;
  const existing = collection.get(filter._id);
  const bound = (filter[APPLIED_POSITION] as { $lt: Long }).$lt;
  if (existing && compare(existing[APPLIED_POSITION], bound) < 0) {
    collection.delete(filter._id);
    return { deletedCount: 1 };
  }
  return { deletedCount: 0 };
}

describe('MongoDB documents: the position guard', () => {
  it('is one upsert whose update pipeline keeps the document unless it is older than the batch', () => {
    expect(guardedUpsert('T|SO|web', { tenant: 'T', inUse: 3 }, 120n)).toEqual({
      updateOne: {
        filter: { _id: 'T|SO|web' },
        update: [
          {
            $replaceWith: {
              $cond: [
                { $lt: ['$_appliedPosition', Long.fromBigInt(120n)] },
                { $literal: { tenant: 'T', inUse: 3, _id: 'T|SO|web', _appliedPosition: Long.fromBigInt(120n) } },
                '$$ROOT',
              ],
            },
          },
        ],
        upsert: true,
      },
    });
  });

  it('writes a new document, replaces an older one, and leaves one at the same or a later position alone', () => {
    const collection = new Map<string, BsonDocument>();
    expect(applyUpsert(collection, guardedUpsert('a', { n: 1 }, 10n))).toEqual({ modifiedCount: 0, upsertedCount: 1 });
    expect(applyUpsert(collection, guardedUpsert('a', { n: 2 }, 20n))).toEqual({ modifiedCount: 1, upsertedCount: 0 });
    // A replay of the batch at 20 (crash before its checkpoint) and of an earlier one change nothing.
    expect(applyUpsert(collection, guardedUpsert('a', { n: 3 }, 20n))).toEqual({ modifiedCount: 0, upsertedCount: 0 });
    expect(applyUpsert(collection, guardedUpsert('a', { n: 4 }, 15n))).toEqual({ modifiedCount: 0, upsertedCount: 0 });
    expect(fromStored(collection.get('a')!)).toEqual({ _id: 'a', n: 2 });
  });

  it('keeps values that look like expressions literal', () => {
    const collection = new Map<string, BsonDocument>();
    applyUpsert(collection, guardedUpsert('a', { note: '$$ROOT', path: '$tenant' }, 1n));
    expect(fromStored(collection.get('a')!)).toEqual({ _id: 'a', note: '$$ROOT', path: '$tenant' });
  });

  it('never stores a caller-supplied _id or position over its own', () => {
    const { updateOne } = guardedUpsert('a', { _id: 'b', _appliedPosition: 999, n: 1 }, 5n) as {
      updateOne: { update: BsonDocument[] };
    };
    const literal = updateOne.update[0].$replaceWith.$cond[1].$literal;
    expect(literal).toEqual({ n: 1, _id: 'a', _appliedPosition: Long.fromBigInt(5n) });
  });

  it('deletes only a document no later batch has written', () => {
    const collection = new Map<string, BsonDocument>();
    applyUpsert(collection, guardedUpsert('a', { n: 1 }, 30n));
    expect(guardedDelete('a', 20n)).toEqual({
      deleteOne: { filter: { _id: 'a', _appliedPosition: { $lt: Long.fromBigInt(20n) } } },
    });
    expect(applyDelete(collection, guardedDelete('a', 20n))).toEqual({ deletedCount: 0 });
    expect(applyDelete(collection, guardedDelete('a', 30n))).toEqual({ deletedCount: 0 });
    expect(applyDelete(collection, guardedDelete('a', 31n))).toEqual({ deletedCount: 1 });
    expect(collection.has('a')).toBe(false);
  });

  it('counts the writes the guard left undone', () => {
    expect(staleWrites({ upserts: 5, deletes: 2 }, { modifiedCount: 2, upsertedCount: 3, deletedCount: 2 })).toBe(0);
    expect(staleWrites({ upserts: 5, deletes: 2 }, { modifiedCount: 1, upsertedCount: 1, deletedCount: 1 })).toBe(4);
  });

  it('hands documents out without the guard position', () => {
    expect(fromStored({ _id: 'x', a: 1, _appliedPosition: Long.fromBigInt(3n) })).toEqual({ _id: 'x', a: 1 });
  });
});

describe('MongoDB documents: positions', () => {
  it('stores a position as a 64-bit integer and reads it back exactly, beyond 2^53 too', () => {
    for (const position of [0n, 1n, 9_007_199_254_740_993n, 2n ** 63n - 1n]) {
      const stored = positionToBson(position);
      expect(stored).toBeInstanceOf(Long);
      expect(positionFromBson(stored)).toBe(position);
    }
    // The driver promotes a small Long to a number when it reads it.
    expect(positionFromBson(42)).toBe(42n);
  });

  it('refuses what is no 64-bit position', () => {
    expect(() => positionToBson(2n ** 63n)).toThrow(RangeError);
    expect(() => positionToBson(-1n)).toThrow(RangeError);
    expect(() => positionFromBson('12')).toThrow(TypeError);
    expect(() => positionFromBson(1.5)).toThrow(TypeError);
  });
});
