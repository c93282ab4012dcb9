import { EventIdentity, StreamIdIndex } from '../../src/kurrentdb/stream-id-index';

/** A fake stream reader over in-memory streams, recording what it was asked. */
function reader(streams: Map<string, string[]>) {
  const reads: Array<[string, number, number]> = [];
  const read = async (stream: string, fromRevision: number, maxCount: number): Promise<EventIdentity[] | null> => {
    reads.push([stream, fromRevision, maxCount]);
    const ids = streams.get(stream);
    if (!ids) return null;
    return ids
      .slice(fromRevision, fromRevision + maxCount)
      .map((id, i) => ({ id, revision: fromRevision + i, position: BigInt(1000 + fromRevision + i) }));
  };
  return { read, reads };
}

describe('StreamIdIndex', () => {
  it('knows a missing stream as no_stream', async () => {
    const { read } = reader(new Map());
    const { known } = await new StreamIdIndex(read).catchUp('s');
    expect(known.actual).toBe('no_stream');
    expect(known.revisionOf('a')).toBeUndefined();
  });

  it('reads a stream in pages once, then only what was appended since', async () => {
    const streams = new Map([['s', ['a', 'b', 'c', 'd', 'e']]]);
    const { read, reads } = reader(streams);
    const index = new StreamIdIndex(read, 100, 2);
    const first = await index.catchUp('s');
    expect(reads).toEqual([
      ['s', 0, 2],
      ['s', 2, 2],
      ['s', 4, 2],
    ]);
    expect(first.known.actual).toBe(4);
    expect(first.known.revisionOf('c')).toBe(2);
    expect(first.known.idAt(4)).toBe('e');
    expect(first.positions.get(4)).toBe(1004n);

    reads.length = 0;
    streams.get('s')!.push('f');
    const second = await index.catchUp('s');
    expect(reads).toEqual([['s', 5, 2]]);
    expect(second.known.actual).toBe(5);
    expect([...second.positions.keys()]).toEqual([5]);
  });

  it('forgets the least recently used streams beyond its capacity, and reads them again when needed', async () => {
    const streams = new Map([
      ['s1', ['a', 'b']],
      ['s2', ['c', 'd']],
      ['s3', ['e', 'f']],
    ]);
    const { read, reads } = reader(streams);
    const index = new StreamIdIndex(read, 4, 10);
    await index.catchUp('s1');
    await index.catchUp('s2');
    await index.catchUp('s1');
    await index.catchUp('s3'); // 6 ids > 4: s2, least recently used, is forgotten
    reads.length = 0;
    await index.catchUp('s1');
    expect(reads).toEqual([['s1', 2, 10]]);
    reads.length = 0;
    const again = await index.catchUp('s2');
    expect(reads).toEqual([['s2', 0, 10]]);
    expect(again.known.revisionOf('d')).toBe(1);
  });
});
