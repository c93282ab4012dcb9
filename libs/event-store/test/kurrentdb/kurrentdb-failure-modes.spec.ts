import {
  convertToCommandError,
  ErrorType,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersion,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, InvalidEventStoreRequestError, RecordedEvent } from '../../src';
import { KurrentDbEventStore } from '../../src/kurrentdb/kurrentdb-event-store';
import { events } from '../event-store.contract';
import { InMemoryKurrentDbClient } from './in-memory-kurrentdb-client';
import { invalidPosition } from './kurrentdb-server-errors';

/**
 * Issue 13, items 12, 16 and 18: the adapter against the failures a KurrentDB server really produces — a follower
 * answering not-leader, a subscription confirmed and then dropped, a position that is no record's, reads that stop
 * answering — scripted on the in-memory model of the server.
 */
describe('KurrentDbEventStore under server failures', () => {
  let client: InMemoryKurrentDbClient;
  let store: KurrentDbEventStore;
  const sleeps: number[] = [];
  const delays: number[] = [];

  beforeEach(() => {
    client = new InMemoryKurrentDbClient();
    sleeps.length = 0;
    delays.length = 0;
    store = new KurrentDbEventStore(client, {
      connectTimeoutMs: 1_000,
      sleep: async (ms) => void sleeps.push(ms),
      delay: async (ms) => void delays.push(ms),
    });
  });
  afterEach(() => store.close());

  describe('the in-memory server (item 18)', () => {
    it('answers not-leader, invalid positions and confirmed-then-failed subscriptions with the errors the client makes of the real ones', async () => {
      client.notLeaderAppends = 1;
      await expect(client.appendToStream('s-1', [], {})).rejects.toMatchObject({
        type: ErrorType.NOT_LEADER,
        leader: { address: 'node2', port: 2113 },
      });
      await store.append('s-1', events(2), 'no_stream');
      const [first] = await store.readAll();
      const reading = client.readAll({ fromPosition: { commit: first.position + 1n, prepare: first.position + 1n } });
      await expect(
        (async () => {
          for await (const _ of reading) void _;
        })(),
      ).rejects.toMatchObject({ type: ErrorType.UNKNOWN, message: expect.stringMatching(/invalid position/) });

      client.failAfterConfirming.push(new UnavailableError(undefined, 'connection reset'));
      const subscription = client.subscribeToAll({});
      const confirmed = new Promise<void>((resolve) => subscription.on('confirmation', resolve));
      const iteration = (async () => {
        for await (const _ of subscription) void _;
      })();
      await confirmed;
      await expect(iteration).rejects.toBeInstanceOf(UnavailableError);
    });
  });

  describe('subscriptions (item 12)', () => {
    const pull = async (iterator: AsyncIterator<RecordedEvent>, count: number) => {
      const got: RecordedEvent[] = [];
      while (got.length < count) got.push((await iterator.next()).value as RecordedEvent);
      return got;
    };

    it('keeps backing off through confirmations that are followed by failures, and resets only once an event is delivered', async () => {
      await store.append('s-1', events(2), 'no_stream');
      for (let i = 0; i < 3; i++) client.failAfterConfirming.push(new UnavailableError(undefined, 'connection reset'));
      const subscription = store.subscribeToAll();
      const iterator = subscription[Symbol.asyncIterator]();
      expect(await pull(iterator, 1)).toHaveLength(1);
      // Three confirmed subscriptions failed in a row: the backoff grew each time.
      expect(sleeps).toEqual([100, 200, 400]);
      await pull(iterator, 1);
      client.dropSubscriptions();
      await store.append('s-1', events(1), 1);
      await pull(iterator, 1);
      // After delivering, a new drop starts from the first step again.
      expect(sleeps).toEqual([100, 200, 400, 100]);
      await subscription.stop();
    });

    it('gives up on a non-transient error after a bounded number of attempts, failing the consumer', async () => {
      await store.append('s-1', events(1), 'no_stream');
      for (let i = 0; i < 10; i++) client.failAfterConfirming.push(invalidPosition());
      const subscription = store.subscribeToAll();
      const iteration = (async () => {
        for await (const _ of subscription) void _;
      })();
      await expect(iteration).rejects.toThrow(/gave up after 5 non-transient failures in a row/);
      await expect(iteration).rejects.toBeInstanceOf(EventStoreUnavailableError);
      expect(sleeps).toHaveLength(4);
      expect(client.openSubscriptions).toBe(0);
    });
  });

  describe('appends and reads (item 16)', () => {
    it('retries an append once on not-leader, and fails on a second, writing nothing', async () => {
      client.notLeaderAppends = 1;
      await store.append('s-1', events(1), 'no_stream');
      expect((await store.readStream('s-1')).status).toBe('found');
      client.notLeaderAppends = 2;
      await expect(store.append('s-2', events(1), 'no_stream')).rejects.toBeInstanceOf(EventStoreUnavailableError);
      expect((await store.readStream('s-2')).status).toBe('stream-not-found');
    });

    it('backs off with jitter between attempts that meet concurrent writers, and gives up after a bounded number', async () => {
      const conflicting = new KurrentDbEventStore(
        {
          ...client,
          readStream: client.readStream.bind(client),
          readAll: client.readAll.bind(client),
          subscribeToAll: client.subscribeToAll.bind(client),
          dispose: client.dispose.bind(client),
          appendToStream: async () =>
            Promise.reject(new ClientWrongExpectedVersion(undefined, { streamName: 's-1', expected: 0n, current: 1n })),
        },
        { delay: async (ms) => void delays.push(ms) },
      );
      await expect(conflicting.append('s-1', events(1), 'any')).rejects.toThrow(
        /kept meeting concurrent writers \(20 attempts\)/,
      );
      expect(delays).toHaveLength(19);
      delays.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(Math.min(1_000, 10 * 2 ** i)));
      // Jitter: not every writer waits the same bound.
      expect(new Set(delays).size).toBeGreaterThan(1);
    });

    it('puts a deadline on every read, and a server that stops answering fails the read at it', async () => {
      await store.append('s-1', events(1), 'no_stream');
      const silent = new KurrentDbEventStore(client, { readDeadlineMs: 20 });
      client.silentReads = true;
      await expect(silent.readStream('s-1')).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(silent.readAll()).rejects.toThrow(/deadline/i);
      expect(client.readOptions.length).toBeGreaterThan(0);
      for (const options of client.readOptions) expect(options.deadline).toEqual(expect.any(Number));
    });

    it('answers a read of $all from a position that is no event as a bad request, not as an unavailable server', async () => {
      await store.append('s-1', events(3), 'no_stream');
      const all = await store.readAll();
      const between = all[0].position + 1n;
      await expect(store.readAll({ fromPosition: between })).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
      await expect(store.readAll({ afterPosition: between })).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
      expect(convertToCommandError(invalidPosition())).toBeInstanceOf(Error);
    });
  });
});
