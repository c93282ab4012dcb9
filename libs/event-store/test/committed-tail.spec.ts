import { CommittedTail } from '../src/sqlite/committed-tail';
import type { AppendResult, NewEvent } from '../src';

/** The tail on its own: what it keeps, and what it drops once every subscriber has read it or it outgrows its bounds. */
describe('CommittedTail', () => {
  const append = (stream: string, count: number, lastPosition: number, lastRevision: number) => {
    const sources: NewEvent[] = Array.from({ length: count }, (_, i) => ({ type: 'T', data: { i } }));
    const events = sources.map((source, i) => ({
      id: `id-${lastPosition - count + 1 + i}`,
      type: source.type,
      data: JSON.stringify(source.data),
      metadata: '{}',
    }));
    const result: AppendResult = { nextExpectedRevision: lastRevision, position: BigInt(lastPosition), written: true };
    return { request: { stream, events, sources }, result };
  };
  const commit = (tail: CommittedTail, ...appends: Array<ReturnType<typeof append>>) =>
    tail.record(
      appends.map((a) => a.request),
      appends.map((a) => a.result),
      '2026-11-30T00:00:00.000Z',
    );
  const positions = (tail: CommittedTail, after: bigint | undefined, head: number) =>
    tail.page(after, head, 100)?.events.map((event) => Number(event.position));

  it('drops what every subscriber has read, and keeps what the slowest one has not', () => {
    const tail = new CommittedTail({ maxEvents: 100, maxBytes: 1_000_000 });
    commit(tail, append('s', 3, 3, 2), append('t', 2, 5, 1));
    const slow = {};
    const fast = {};
    tail.readFrom(slow, undefined);
    tail.readFrom(fast, 4n);
    expect(tail.size).toBe(5);
    tail.readFrom(slow, 2n);
    expect(tail.size).toBe(3);
    expect(positions(tail, 2n, 5)).toEqual([3, 4, 5]);
    expect(positions(tail, 1n, 5)).toBeUndefined(); // dropped: read from SQLite
    tail.forget(slow);
    tail.readFrom(fast, 5n);
    expect(tail.size).toBe(0);
    commit(tail, append('s', 1, 6, 3)); // contiguous with what was dropped: served
    expect(positions(tail, 5n, 6)).toEqual([6]);
  });

  it('serves only a range it wholly holds: not past its last own commit, not across a gap', () => {
    const tail = new CommittedTail({ maxEvents: 100, maxBytes: 1_000_000 });
    commit(tail, append('s', 2, 2, 1));
    expect(positions(tail, undefined, 2)).toEqual([1, 2]);
    expect(positions(tail, undefined, 3)).toBeUndefined();
    commit(tail, append('s', 1, 5, 2)); // 3 and 4 were written by another connection
    expect(positions(tail, 2n, 5)).toBeUndefined();
    expect(positions(tail, 4n, 5)).toEqual([5]);
  });

  it('keeps within its bounds of count and bytes', () => {
    const byCount = new CommittedTail({ maxEvents: 2, maxBytes: 1_000_000 });
    commit(byCount, append('s', 3, 3, 2));
    expect(byCount.size).toBe(2);
    expect(positions(byCount, 1n, 3)).toEqual([2, 3]);
    const byBytes = new CommittedTail({ maxEvents: 100, maxBytes: 1 });
    commit(byBytes, append('s', 3, 3, 2));
    expect(byBytes.size).toBe(0);
    expect(positions(byBytes, 2n, 3)).toBeUndefined();
  });
});
