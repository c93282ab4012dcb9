import { CommittedTail, committedTailCounters } from '../src/sqlite/committed-tail';
import { vouchJsonSafe, type AppendResult, type JsonObject, type NewEvent } from '../src';

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

/** A value its maker vouches for (json-safe-values.ts) is handed out without the walk that proves it round-trips. */
describe('CommittedTail and vouched values', () => {
  const recordsOf = (): JsonObject[] => {
    const records: JsonObject[] = Array.from({ length: 1000 }, (_, i) =>
      Object.freeze({ occurredAt: '2026-11-30T00:00:00.000Z', quantity: i, service: 's', usageId: `u-${i}` }),
    );
    return Object.freeze(records) as JsonObject[]; // frozen, as its maker leaves a group it vouches for
  };
  const commitData = (tail: CommittedTail, data: NewEvent['data'], position: number) => {
    const source: NewEvent = { type: 'UsageRecorded', data };
    const written = { id: `id-${position}`, type: source.type, data: JSON.stringify(data), metadata: '{}' };
    const result: AppendResult = { nextExpectedRevision: position - 1, position: BigInt(position), written: true };
    tail.record([{ stream: 'metering-t', events: [written], sources: [source] }], [result], '2026-11-30T00:00:00Z');
    return tail.page(BigInt(position - 1), position, 10)?.events[0];
  };

  it('walks an unvouched group of 1,000 records, and hands out a vouched one without walking it', () => {
    const tail = new CommittedTail({ maxEvents: 100, maxBytes: 10_000_000 });
    const plain = { month: '2026-11', records: recordsOf() };
    let before = committedTailCounters.walked;
    const walked = commitData(tail, plain, 1);
    expect(committedTailCounters.walked - before).toBe(1003); // the data, the array, its 1,000 records, the metadata
    expect(walked?.data).toBe(plain);

    const records = recordsOf();
    vouchJsonSafe(records);
    const vouched = { month: '2026-11', records };
    before = committedTailCounters.walked;
    const handed = commitData(tail, vouched, 2);
    expect(committedTailCounters.walked - before).toBe(2); // the data object and the metadata only
    // The same objects, frozen, equal to what JSON reads back from the written text (what readAll hands out).
    expect(handed?.data).toBe(vouched);
    expect(Object.isFrozen(vouched)).toBe(true);
    expect(handed?.data).toStrictEqual(JSON.parse(JSON.stringify(vouched)));
  });

  it('still walks the rest of the data: a member that does not round-trip is read back from the written text', () => {
    const tail = new CommittedTail({ maxEvents: 100, maxBytes: 10_000_000 });
    const records = recordsOf();
    vouchJsonSafe(records);
    const data = { month: '2026-11', records, zero: -0 } as JsonObject;
    Object.assign(data, { skipped: undefined }); // not JSON: JSON.stringify leaves it out
    const handed = commitData(tail, data, 1);
    expect(handed?.data).not.toBe(data);
    expect(handed?.data).toStrictEqual(JSON.parse(JSON.stringify(data)));
    expect(Object.isFrozen(data)).toBe(false);
  });
});
