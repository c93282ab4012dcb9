import { Long } from 'mongodb';
import type { Document } from '../../src';
import { BufferedWriter } from '../../src/mongodb/buffered-writer';
import { guardedUpsert } from '../../src/mongodb/mongo-documents';

describe('BufferedWriter', () => {
  const committed = new Map<string, Document>([
    ['a', { n: 1 }],
    ['b', { n: 2 }],
  ]);
  const loads: string[][] = [];
  const writer = () =>
    new BufferedWriter(async (_collection, ids) => {
      loads.push(ids);
      return new Map(ids.filter((id) => committed.has(id)).map((id) => [id, committed.get(id)!]));
    });

  beforeEach(() => (loads.length = 0));

  it('reads committed documents, in one load for those it has not written', async () => {
    const w = writer();
    await w.upsert('c', 'a', { n: 10 });
    const found = await w.getMany('c', ['a', 'b', 'missing']);
    expect(Object.fromEntries(found)).toEqual({ a: { n: 10 }, b: { n: 2 } });
    expect(loads).toEqual([['b', 'missing']]);
    expect(await w.get('c', 'b')).toEqual({ _id: 'b', n: 2 });
  });

  it('sees its own deletes', async () => {
    const w = writer();
    await w.delete('c', 'a');
    expect(await w.get('c', 'a')).toBeNull();
    expect(loads).toEqual([]);
  });

  it('plans one guarded operation per document, the last write winning, at the batch position', async () => {
    const w = writer();
    await w.upsert('c', 'a', { n: 10 });
    await w.upsert('c', 'a', { n: 11 });
    await w.delete('c', 'b');
    await w.upsert('other', 'x', { y: 1 });
    const plans = w.planned(42n);
    expect([...plans.keys()]).toEqual(['c', 'other']);
    expect(plans.get('c')).toMatchObject({ upserts: 1, deletes: 1 });
    expect(plans.get('c')!.operations).toEqual([
      expect.objectContaining({ updateOne: expect.objectContaining({ filter: { _id: 'a' } }) }),
      { deleteOne: { filter: { _id: 'b', _appliedPosition: { $lt: Long.fromBigInt(42n) } } } },
    ]);
    expect(plans.get('c')!.operations[0]).toEqual(guardedUpsert('a', { n: 11 }, 42n));
  });

  it('writes nothing when the batch fails: nothing is planned until the work is done', async () => {
    const w = writer();
    expect(w.planned(1n).size).toBe(0);
    await expect(w.find()).rejects.toThrow(/not supported/);
  });
});
