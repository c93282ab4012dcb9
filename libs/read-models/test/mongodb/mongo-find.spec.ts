import { InvalidCursorError } from '../../src';
import { cursorAfter, decodeCursor, prefixEnd, toMongoFind } from '../../src/mongodb/mongo-find';

describe('MongoDB find', () => {
  it('maps equality filters, the sort (with _id last for a total order) and one more than the limit', () => {
    expect(toMongoFind({ filter: { tenant: 'T', active: true, plan: null }, sort: [['at', -1]], limit: 20 })).toEqual({
      filter: { tenant: 'T', active: true, plan: null },
      sort: [
        ['at', -1],
        ['_id', 1],
      ],
      limit: 21,
      keys: ['at'],
      sortTypeChecks: [
        {
          field: 'at',
          pipeline: [
            { $match: { tenant: 'T', active: true, plan: null } },
            { $group: { _id: { $type: '$at' } } },
            { $limit: 10 },
          ],
        },
      ],
    });
    expect(toMongoFind({})).toEqual({ filter: {}, sort: [['_id', 1]], limit: undefined, keys: [], sortTypeChecks: [] });
  });

  it('maps an id prefix to a range of _id that the primary index serves', () => {
    expect(toMongoFind({ idPrefix: 'T|SO|web|' }).filter).toEqual({ _id: { $gte: 'T|SO|web|', $lt: 'T|SO|web}' } });
    expect(prefixEnd('T|SO|web|')).toBe('T|SO|web}');
    expect(toMongoFind({ idPrefix: 'T|', filter: { tenant: 'T' } }).filter).toEqual({
      $and: [{ tenant: 'T' }, { _id: { $gte: 'T|', $lt: 'T}' } }],
    });
  });

  it('continues strictly after the cursor, key by key in the sort order', () => {
    const cursor = cursorAfter({ _id: 'd4', at: 7, tenant: 'T' }, ['at']);
    expect(decodeCursor(cursor, 2)).toEqual([7, 'd4']);
    expect(toMongoFind({ sort: [['at', -1]], cursor, limit: 3 }).filter).toEqual({
      $or: [{ at: { $lt: 7 } }, { at: 7, _id: { $gt: 'd4' } }],
    });
    const two = cursorAfter({ _id: 'x', tenant: 'T', at: 2 }, ['tenant', 'at']);
    expect(
      toMongoFind({
        filter: { active: true },
        sort: [
          ['tenant', 1],
          ['at', -1],
        ],
        cursor: two,
      }).filter,
    ).toEqual({
      $and: [
        { active: true },
        { $or: [{ tenant: { $gt: 'T' } }, { tenant: 'T', at: { $lt: 2 } }, { tenant: 'T', at: 2, _id: { $gt: 'x' } }] },
      ],
    });
  });

  it('records a missing sort value in the cursor as null', () => {
    expect(decodeCursor(cursorAfter({ _id: 'x' }, ['at']), 2)).toEqual([null, 'x']);
  });

  it('refuses a cursor it did not hand out, or one of another query shape', () => {
    expect(() => toMongoFind({ cursor: 'not-a-cursor' })).toThrow(InvalidCursorError);
    expect(() => toMongoFind({ cursor: cursorAfter({ _id: 'x', at: 1 }, ['at']) })).toThrow(InvalidCursorError);
    expect(() => toMongoFind({ cursor: Buffer.from(JSON.stringify([{ $gt: '' }])).toString('base64url') })).toThrow(
      InvalidCursorError,
    );
  });

  it('refuses field names that are not plain top-level fields', () => {
    expect(() => toMongoFind({ filter: { 'a.b': 1 } })).toThrow(/not a top-level field/);
    expect(() => toMongoFind({ filter: { $where: 'true' } })).toThrow(/not a top-level field/);
    expect(() => toMongoFind({ sort: [['$natural', 1]] })).toThrow(/not a top-level field/);
  });
});
