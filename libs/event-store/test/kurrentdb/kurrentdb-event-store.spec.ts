import { randomUUID } from 'node:crypto';
import { ANY, NO_STREAM, STREAM_EXISTS } from '@kurrent/kurrentdb-client';
import { DuplicateEventIdError, EventStoreUnavailableError, RecordedEvent } from '../../src';
import { KurrentClient, KurrentDbEventStore } from '../../src/kurrentdb/kurrentdb-event-store';
import { events, take } from '../event-store.contract';
import { InMemoryKurrentDbClient } from './in-memory-kurrentdb-client';

/**
 * The KurrentDB adapter over an in-memory model of the server (see InMemoryKurrentDbClient): what the shared
 * contract does not show — what the adapter asks of the server, and how it copes with the server's own events,
 * dropped subscriptions and a server that does not answer.
 */
describe('KurrentDbEventStore', () => {
  let client: InMemoryKurrentDbClient;
  let store: KurrentDbEventStore;
  const sleeps: number[] = [];

  beforeEach(() => {
    client = new InMemoryKurrentDbClient();
    sleeps.length = 0;
    store = new KurrentDbEventStore(client, { connectTimeoutMs: 200, sleep: async (ms) => void sleeps.push(ms) });
  });
  afterEach(() => store.close());

  it('sends every append at an exact expected state, never any or stream_exists, which KurrentDB deduplicates only by best effort', async () => {
    await store.append('s-1', events(2), 'any');
    await store.append('s-1', events(1), 'stream_exists');
    await store.append('s-2', events(1), 'no_stream');
    await store.append('s-2', events(1), 0);
    expect(client.appendStates).toEqual([NO_STREAM, 1n, NO_STREAM, 0n]);
    expect(client.appendStates).not.toContain(ANY);
    expect(client.appendStates).not.toContain(STREAM_EXISTS);
  });

  it('refuses an id reused in a different append before the server, which would write it again, is asked', async () => {
    const [reused, other] = events(2);
    await store.append('s-1', [reused, other], 'no_stream');
    await expect(store.append('s-1', [events(1)[0], reused], 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
    expect(client.appendStates).toHaveLength(1);
  });

  it('answers a retried append with its first result, also when the retry comes from another process', async () => {
    const batch = events(2);
    const first = await store.append('s-1', batch, 'no_stream');
    const otherProcess = new KurrentDbEventStore(client);
    expect(await otherProcess.append('s-1', batch, 'no_stream')).toEqual(first);
    expect(client.appendStates).toHaveLength(1);
  });

  it('a conflicting writer in between is seen on the next look: the caller gets the port answer, not a server error', async () => {
    const otherProcess = new KurrentDbEventStore(client);
    await store.append('s-1', events(1), 'no_stream');
    await otherProcess.append('s-1', events(1), 0);
    // The adapter's index still says revision 0; the server refuses the write at 0, the adapter looks again.
    await expect(store.append('s-1', events(1), 'any')).resolves.toMatchObject({ nextExpectedRevision: 2 });
    await expect(store.append('s-1', events(1), 1)).rejects.toMatchObject({ expected: 1, actual: 2 });
  });

  it("keeps KurrentDB's own $-events out of reads, the head position and subscriptions", async () => {
    client.writeSystemEvent();
    const written = await store.append('s-1', events(2), 'no_stream');
    client.writeSystemEvent();
    expect((await store.readAll()).map((e) => e.stream)).toEqual(['s-1', 's-1']);
    expect((await store.readAll({ direction: 'backwards' })).map((e) => e.stream)).toEqual(['s-1', 's-1']);
    expect(await store.headPosition()).toBe(written.position);
    const subscription = store.subscribeToAll();
    const reading = take(subscription, 3);
    client.writeSystemEvent();
    await store.append('s-2', events(1), 'no_stream');
    expect((await reading).map((e) => e.stream)).toEqual(['s-1', 's-1', 's-2']);
    await subscription.stop();
  });

  it('pages through $all: all of it without maxCount, exactly maxCount with it, around filtered-out events', async () => {
    for (let i = 0; i < 5; i++) {
      await store.append(`a-${i}`, events(500), 'no_stream');
      await store.append(`b-${i}`, events(100), 'no_stream');
    }
    expect(await store.readAll()).toHaveLength(3_000);
    const a = await store.readAll({ filter: { streamPrefix: 'a-' } });
    expect(a).toHaveLength(2_500);
    const page = await store.readAll({ maxCount: 1_500, filter: { streamPrefix: 'a-' } });
    expect(page.map((e) => e.position)).toEqual(a.slice(0, 1_500).map((e) => e.position));
    const rest = await store.readAll({ afterPosition: page[page.length - 1].position, filter: { streamPrefix: 'a-' } });
    expect([...page, ...rest].map((e) => e.position)).toEqual(a.map((e) => e.position));
    const back = await store.readAll({
      direction: 'backwards',
      fromPosition: a[1_200].position,
      maxCount: 1_100,
      filter: { streamPrefix: 'a-' },
    });
    expect(back.map((e) => e.position)).toEqual(
      a
        .slice(101, 1_201)
        .reverse()
        .map((e) => e.position),
    );
  });

  it('resumes a subscription after the connection drops, from the last event it delivered, without gap or duplicate', async () => {
    await store.append('s-1', events(5), 'no_stream');
    const subscription = store.subscribeToAll({ filter: { streamPrefix: 's-' } });
    const iterator = subscription[Symbol.asyncIterator]();
    const pull = async (count: number) => {
      const got: RecordedEvent[] = [];
      while (got.length < count) got.push((await iterator.next()).value as RecordedEvent);
      return got;
    };
    const seen = await pull(3);
    client.dropSubscriptions();
    await store.append('s-1', events(4), 4);
    seen.push(...(await pull(6)));
    await subscription.stop();
    const all = await store.readAll({ filter: { streamPrefix: 's-' } });
    expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(client.subscribedFrom[1]).toEqual({ commit: seen[2].position, prepare: seen[2].position });
    expect(sleeps).toEqual([100]);
    expect(client.openSubscriptions).toBe(0);
  });

  it('says the server is unreachable within the connect timeout when reads do not answer', async () => {
    const silent: KurrentClient = {
      ...client,
      appendToStream: client.appendToStream.bind(client),
      readStream: client.readStream.bind(client),
      subscribeToAll: client.subscribeToAll.bind(client),
      dispose: client.dispose.bind(client),
      readAll: () => ({ [Symbol.asyncIterator]: () => ({ next: () => new Promise<never>(() => undefined) }) }),
    };
    const unreachable = new KurrentDbEventStore(silent, { connectTimeoutMs: 50 });
    await expect(unreachable.verifyReachable()).rejects.toThrow(EventStoreUnavailableError);
    expect(await unreachable.health()).toMatchObject({
      status: 'down',
      adapter: 'kurrentdb',
      detail: expect.stringMatching(/within 50 ms/),
    });
  });

  it('reports a failing server as EventStoreUnavailableError on reads and appends', async () => {
    const failing = new KurrentDbEventStore({
      appendToStream: async () => Promise.reject(new Error('connection reset')),
      readStream: () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('connection reset')) }),
      }),
      readAll: () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('connection reset')) }),
      }),
      subscribeToAll: () => client.subscribeToAll({}),
      dispose: async () => undefined,
    });
    await expect(failing.readStream('s-1')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(failing.readAll()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(failing.append('s-1', [{ id: randomUUID(), type: 'T', data: {} }], 'any')).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
  });
});
