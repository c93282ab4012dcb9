import { randomUUID } from 'node:crypto';
import { InvalidEventStoreRequestError, SqliteEventStore } from '../src';
import { KurrentDbEventStore } from '../src/kurrentdb/kurrentdb-event-store';
import { InMemoryKurrentDbClient } from './kurrentdb/in-memory-kurrentdb-client';

/** Issue 13, item 15: a `$`-type would be hidden by KurrentDB's `$all` reads; every adapter refuses it, writing nothing. */
describe.each([
  ['sqlite', () => new SqliteEventStore({ file: ':memory:' })],
  ['kurrentdb (in-memory server)', () => new KurrentDbEventStore(new InMemoryKurrentDbClient())],
])('event types starting with $ (%s)', (_, open) => {
  it('are refused at the port', async () => {
    const store = open();
    try {
      await expect(
        store.append('s-1', [{ id: randomUUID(), type: '$metadata', data: {} }], 'any'),
      ).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
      expect((await store.readStream('s-1')).status).toBe('stream-not-found');
      await store.append('s-1', [{ id: randomUUID(), type: 'Price$Changed', data: {} }], 'any');
    } finally {
      await store.close();
    }
  });
});
