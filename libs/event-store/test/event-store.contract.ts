import { randomUUID } from 'node:crypto';
import {
  AllSubscription,
  AppendResult,
  DuplicateEventIdError,
  EventStore,
  EventStoreClosedError,
  InvalidEventStoreRequestError,
  JsonObject,
  NewEvent,
  Position,
  RecordedEvent,
  WrongExpectedVersionError,
} from '../src';

/**
 * The event-store contract, written once and run by every adapter's spec (SQLite here; KurrentDB when
 * KURRENTDB_URL is set). Tests never assume an empty store: each one works in streams of its own prefix, so the
 * suite can share a server with other runs.
 */
export interface EventStoreContractSubject {
  open(): Promise<EventStore>;
  /** Releases whatever `open` created (temporary files, connections). */
  dispose(): Promise<void>;
}

export function eventStoreContract(adapterName: string, makeSubject: () => EventStoreContractSubject): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let subject: EventStoreContractSubject;
    let store: EventStore;
    let prefix: string;
    const stream = (name: string) => `${prefix}${name}`;

    beforeEach(async () => {
      subject = makeSubject();
      store = await subject.open();
      prefix = `t${randomUUID().slice(0, 8)}-`;
    });

    afterEach(async () => {
      await store.close();
      await subject.dispose();
    });

    describe('append and readStream', () => {
      it('numbers a new stream from revision 0 and answers the last revision and position', async () => {
        const result = await store.append(stream('a'), events(3), 'no_stream');
        const read = await readEvents(store, stream('a'));
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(result.nextExpectedRevision).toBe(2);
        expect(result.position).toBe(read[2].position);
      });

      it('records id, stream, revision, position, type, data, metadata and recordedAt', async () => {
        const id = randomUUID();
        const metadata = { correlationId: randomUUID(), causationId: randomUUID(), actor: 'user:7', tenant: 'Cust1' };
        await store.append(stream('a'), [{ id, type: 'Thing', data: { n: 1, nested: { s: 'x' } }, metadata }], 'any');
        const [event] = await readEvents(store, stream('a'));
        expect(event).toEqual({
          id,
          stream: stream('a'),
          revision: 0,
          position: expect.any(BigInt),
          type: 'Thing',
          data: { n: 1, nested: { s: 'x' } },
          metadata,
          recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
        });
      });

      it('keeps data the caller serialised (dataJson) as that data, in every read', async () => {
        const data: JsonObject = {
          tenantId: 'T',
          records: [{ a: 'é\u2028"', n: -1.5e-7 }, { b: [true, null] }],
          at: 'x',
        };
        await store.append(stream('a'), [{ type: 'Thing', data, dataJson: JSON.stringify(data) }], 'any');
        const [event] = await readEvents(store, stream('a'));
        expect(event.data).toEqual(data);
        const all = await store.readAll({ fromPosition: event.position, maxCount: 1 });
        expect(all.map((one) => one.data)).toEqual([data]);
      });

      it('gives an event without an id a UUID', async () => {
        await store.append(stream('a'), [{ type: 'NoId', data: {} }], 'any');
        const [event] = await readEvents(store, stream('a'));
        expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      });

      it('answers a missing stream as a distinct outcome', async () => {
        expect(await store.readStream(stream('missing'))).toEqual({
          status: 'stream-not-found',
          stream: stream('missing'),
        });
      });

      it('reads forwards from a revision, backwards from a revision, and at most maxCount', async () => {
        await store.append(stream('a'), events(10), 'no_stream');
        expect(revisions(await store.readStream(stream('a'), { fromRevision: 7 }))).toEqual([7, 8, 9]);
        expect(revisions(await store.readStream(stream('a'), { fromRevision: 2, maxCount: 3 }))).toEqual([2, 3, 4]);
        expect(revisions(await store.readStream(stream('a'), { direction: 'backwards', maxCount: 2 }))).toEqual([9, 8]);
        expect(revisions(await store.readStream(stream('a'), { direction: 'backwards', fromRevision: 3 }))).toEqual([
          3, 2, 1, 0,
        ]);
      });
    });

    describe('expected state', () => {
      it('no_stream fails on an existing stream, naming the expected and actual state', async () => {
        await store.append(stream('a'), events(2), 'no_stream');
        const error = await store.append(stream('a'), events(1), 'no_stream').catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ stream: stream('a'), expected: 'no_stream', actual: 1 });
      });

      it('stream_exists fails on a missing stream and holds on an existing one', async () => {
        const error = await store.append(stream('a'), events(1), 'stream_exists').catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
        await store.append(stream('a'), events(1), 'no_stream');
        await expect(store.append(stream('a'), events(1), 'stream_exists')).resolves.toMatchObject({
          nextExpectedRevision: 1,
        });
      });

      it('an exact revision holds only when it is the last revision of the stream', async () => {
        await store.append(stream('a'), events(3), 'no_stream');
        const stale = await store.append(stream('a'), events(1), 1).catch((e) => e);
        expect(stale).toBeInstanceOf(WrongExpectedVersionError);
        expect(stale).toMatchObject({ expected: 1, actual: 2 });
        const missing = await store.append(stream('b'), events(1), 0).catch((e) => e);
        expect(missing).toMatchObject({ expected: 0, actual: 'no_stream' });
        await expect(store.append(stream('a'), events(1), 2)).resolves.toMatchObject({ nextExpectedRevision: 3 });
      });

      it('any appends whatever the state', async () => {
        await store.append(stream('a'), events(1), 'any');
        await store.append(stream('a'), events(1), 'any');
        expect(revisions(await store.readStream(stream('a')))).toEqual([0, 1]);
      });

      it('a refused append writes nothing', async () => {
        await store.append(stream('a'), events(1), 'no_stream');
        const head = await store.headPosition();
        await store.append(stream('a'), events(5), 'no_stream').catch(() => undefined);
        expect(await store.headPosition()).toBe(head);
        expect(revisions(await store.readStream(stream('a')))).toEqual([0]);
      });
    });

    describe('idempotent appends', () => {
      it.each([
        ['no_stream', 'no_stream' as const],
        ['any', 'any' as const],
      ])(
        'repeating an append with the same ids and expected state %s answers the first result and writes nothing',
        async (_, expected) => {
          const batch = events(3);
          const first = await store.append(stream('a'), batch, expected);
          const head = await store.headPosition();
          const again = await store.append(stream('a'), batch, expected);
          expect(answerOf(again)).toEqual(answerOf(first));
          // Never said to be written as given: what was stored first may differ (see AppendResult.written).
          expect(again.written).not.toBe(true);
          expect(first.written).not.toBe(false);
          expect(await store.headPosition()).toBe(head);
          expect(revisions(await store.readStream(stream('a')))).toEqual([0, 1, 2]);
        },
      );

      it('a repeat with an exact revision is idempotent even after later appends', async () => {
        await store.append(stream('a'), events(2), 'no_stream');
        const batch = events(2);
        const first = await store.append(stream('a'), batch, 1);
        await store.append(stream('a'), events(1), 3);
        const head = await store.headPosition();
        expect(answerOf(await store.append(stream('a'), batch, 1))).toEqual(answerOf(first));
        expect(await store.headPosition()).toBe(head);
      });

      it('the same ids with a different expected state are not a repeat', async () => {
        const batch = events(2);
        await store.append(stream('a'), batch, 'no_stream');
        const error = await store.append(stream('a'), batch, 5).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
      });

      it.each([
        ['first', (reused: NewEvent, fresh: NewEvent) => [reused, fresh]],
        ['second', (reused: NewEvent, fresh: NewEvent) => [fresh, reused]],
      ])(
        'an id already recorded, mixed %s into a different append, is refused and nothing is written',
        async (_, mix) => {
          const [reused, other] = events(2);
          await store.append(stream('a'), [reused, other], 'no_stream');
          const error = await store.append(stream('a'), mix(reused, events(1)[0]), 'any').catch((e) => e);
          expect(error).toBeInstanceOf(DuplicateEventIdError);
          expect(revisions(await store.readStream(stream('a')))).toEqual([0, 1]);
        },
      );
    });

    describe('invalid requests', () => {
      it.each([
        ['no events', () => [] as NewEvent[], 'any'],
        ['an id that is not a UUID', () => [{ id: 'nope', type: 'T', data: {} }], 'any'],
        ['an empty type', () => [{ type: '', data: {} }], 'any'],
        ['data that is not an object', () => [{ type: 'T', data: [1] as never }], 'any'],
        ['serialised data that is not an object', () => [{ type: 'T', data: {}, dataJson: '[]' }], 'any'],
        [
          'the same id twice',
          () => {
            const id = randomUUID();
            return [
              { id, type: 'T', data: {} },
              { id, type: 'T', data: {} },
            ];
          },
          'any',
        ],
        ['a negative expected revision', () => events(1), -1],
      ])('refuses %s and writes nothing', async (_, makeEvents, expected) => {
        const head = await store.headPosition();
        const error = await store.append(stream('a'), makeEvents(), expected as never).catch((e) => e);
        expect(error).toBeInstanceOf(InvalidEventStoreRequestError);
        expect(await store.headPosition()).toBe(head);
      });

      it('refuses a reserved or empty stream name', async () => {
        await expect(store.append('', events(1), 'any')).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
        await expect(store.append('$all', events(1), 'any')).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
      });
    });

    describe('global order', () => {
      it('readAll returns every stream in one order, from and after a position, forwards and backwards', async () => {
        await store.append(stream('a'), events(2, 'A'), 'no_stream');
        await store.append(stream('b'), events(2, 'B'), 'no_stream');
        await store.append(stream('a'), events(1, 'A'), 1);
        const all = await store.readAll({ filter: { streamPrefix: prefix } });
        expect(all.map((e) => [e.stream, e.revision])).toEqual([
          [stream('a'), 0],
          [stream('a'), 1],
          [stream('b'), 0],
          [stream('b'), 1],
          [stream('a'), 2],
        ]);
        expectStrictlyIncreasing(all.map((e) => e.position));
        const from = await store.readAll({ fromPosition: all[2].position, filter: { streamPrefix: prefix } });
        expect(from.map((e) => e.position)).toEqual(all.slice(2).map((e) => e.position));
        const after = await store.readAll({
          afterPosition: all[2].position,
          maxCount: 1,
          filter: { streamPrefix: prefix },
        });
        expect(after.map((e) => e.position)).toEqual([all[3].position]);
        const backwards = await store.readAll({
          direction: 'backwards',
          maxCount: 2,
          filter: { streamPrefix: prefix },
        });
        expect(backwards.map((e) => e.position)).toEqual([all[4].position, all[3].position]);
      });

      it('filters by stream prefix and by event type', async () => {
        await store.append(stream('ledger-1'), events(2, 'Assigned'), 'no_stream');
        await store.append(stream('metering-1'), events(1, 'Recorded'), 'no_stream');
        await store.append(stream('ledger-2'), events(1, 'Released'), 'no_stream');
        const ledger = await store.readAll({ filter: { streamPrefix: stream('ledger-') } });
        expect(ledger.map((e) => e.stream)).toEqual([stream('ledger-1'), stream('ledger-1'), stream('ledger-2')]);
        const both = await store.readAll({ filter: { streamPrefix: [stream('metering-'), stream('ledger-2')] } });
        expect(both.map((e) => e.stream)).toEqual([stream('metering-1'), stream('ledger-2')]);
        const typed = await store.readAll({
          filter: { eventTypes: ['Released', 'Recorded'] },
          afterPosition: undefined,
        });
        const mine = typed.filter((e) => e.stream.startsWith(prefix));
        expect(mine.map((e) => e.type)).toEqual(['Recorded', 'Released']);
      });

      it('positions grow strictly in commit order across concurrent appends to many streams', async () => {
        const before = await store.headPosition();
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) => store.append(stream(`s${i % 8}`), events(1 + (i % 3)), 'any')),
        );
        const all = await store.readAll({ filter: { streamPrefix: prefix } });
        expectStrictlyIncreasing(all.map((e) => e.position));
        expect(all.length).toBe(results.reduce((n, _, i) => n + 1 + (i % 3), 0));
        if (before !== null) expect(all[0].position > before).toBe(true);
        // Within each stream, revision order is position order.
        const perStream = new Map<string, RecordedEvent[]>();
        for (const e of all) perStream.set(e.stream, [...(perStream.get(e.stream) ?? []), e]);
        for (const list of perStream.values()) expect(list.map((e) => e.revision)).toEqual(list.map((_, i) => i));
        // An append acknowledged before the next one starts has a smaller position.
        const first = await store.append(stream('seq'), events(1), 'any');
        const second = await store.append(stream('seq'), events(1), 'any');
        expect(second.position > first.position).toBe(true);
      });
    });

    describe('concurrent appenders on one stream', () => {
      it('exactly one winner per revision; nothing lost, nothing duplicated', async () => {
        const appenders = 16;
        const perAppender = 12;
        let conflicts = 0;
        const winners = new Map<number, string>();
        const appendWithRetry = async (appender: number, n: number) => {
          const id = randomUUID();
          for (;;) {
            const read = await store.readStream(stream('hot'), { direction: 'backwards', maxCount: 1 });
            const expected = read.status === 'found' ? read.events[0].revision : 'no_stream';
            try {
              const result = await store.append(
                stream('hot'),
                [{ id, type: 'Appended', data: { appender, n } }],
                expected,
              );
              expect(winners.has(result.nextExpectedRevision)).toBe(false);
              winners.set(result.nextExpectedRevision, id);
              return;
            } catch (error) {
              if (!(error instanceof WrongExpectedVersionError)) throw error;
              conflicts++;
            }
          }
        };
        await Promise.all(
          Array.from({ length: appenders }, async (_, appender) => {
            for (let n = 0; n < perAppender; n++) await appendWithRetry(appender, n);
          }),
        );
        const recorded = await readEvents(store, stream('hot'));
        const total = appenders * perAppender;
        expect(recorded.map((e) => e.revision)).toEqual(Array.from({ length: total }, (_, i) => i));
        expect(new Set(recorded.map((e) => `${e.data.appender}/${e.data.n}`)).size).toBe(total);
        expect(recorded.map((e) => e.id)).toEqual(recorded.map((e) => winners.get(e.revision)));
        expect(conflicts).toBeGreaterThan(0);
      });
    });

    describe('catch-up subscription', () => {
      it('delivers history first, then live events, in order, without gap or duplicate', async () => {
        const start = await store.headPosition();
        await store.append(stream('a'), events(5), 'no_stream');
        const subscription = store.subscribeToAll({
          afterPosition: start ?? undefined,
          filter: { streamPrefix: prefix },
        });
        const reader = take(subscription, 12);
        await store.append(stream('b'), events(4), 'no_stream');
        await store.append(stream('a'), events(3), 4);
        const seen = await reader;
        await subscription.stop();
        const all = await store.readAll({ filter: { streamPrefix: prefix } });
        expect(seen.map((e) => e.position)).toEqual(all.map((e) => e.position));
      });

      it('starts strictly after the given position', async () => {
        await store.append(stream('a'), events(3), 'no_stream');
        const all = await store.readAll({ filter: { streamPrefix: prefix } });
        const subscription = store.subscribeToAll({ afterPosition: all[0].position, filter: { streamPrefix: prefix } });
        const seen = await take(subscription, 2);
        await subscription.stop();
        expect(seen.map((e) => e.revision)).toEqual([1, 2]);
      });

      it('applies the filter to history and live events', async () => {
        const start = await store.headPosition();
        await store.append(stream('keep'), events(2), 'no_stream');
        await store.append(stream('skip'), events(2), 'no_stream');
        const subscription = store.subscribeToAll({
          afterPosition: start ?? undefined,
          filter: { streamPrefix: stream('keep') },
        });
        const reader = take(subscription, 4);
        await store.append(stream('skip'), events(3), 1);
        await store.append(stream('keep'), events(2), 1);
        const seen = await reader;
        await subscription.stop();
        expect(seen.map((e) => [e.stream, e.revision])).toEqual([0, 1, 2, 3].map((r) => [stream('keep'), r]));
      });

      it('stopped and resumed from its checkpoint, it sees every event exactly once', async () => {
        const start = await store.headPosition();
        await store.append(stream('a'), events(30), 'no_stream');
        const filter = { streamPrefix: prefix };
        const seen: RecordedEvent[] = [];
        let checkpoint: Position | undefined = start ?? undefined;
        // Writers keep appending while the consumer stops and resumes four times.
        const writing = (async () => {
          for (let i = 0; i < 10; i++) await store.append(stream('b'), events(3), i === 0 ? 'no_stream' : i * 3 - 1);
        })();
        for (let round = 0; round < 4; round++) {
          const subscription = store.subscribeToAll({ afterPosition: checkpoint, filter });
          for (const event of await take(subscription, 15)) {
            seen.push(event);
            checkpoint = event.position;
          }
          await subscription.stop();
        }
        await writing;
        const all = await store.readAll({ filter });
        expect(seen.map((e) => e.position)).toEqual(all.map((e) => e.position));
        expect(new Set(seen.map((e) => e.id)).size).toBe(60);
      });

      it('ends when stopped while waiting for live events', async () => {
        const subscription = store.subscribeToAll({
          afterPosition: (await store.headPosition()) ?? undefined,
          filter: { streamPrefix: prefix },
        });
        const iteration = (async () => {
          const got: RecordedEvent[] = [];
          for await (const event of subscription) got.push(event);
          return got;
        })();
        await store.append(stream('a'), events(1), 'no_stream');
        await new Promise((resolve) => setImmediate(resolve));
        await subscription.stop();
        await expect(iteration).resolves.toBeDefined();
      });
    });

    describe('lifecycle', () => {
      it('reports its health and head position', async () => {
        const result = await store.append(stream('a'), events(1), 'no_stream');
        const health = await store.health();
        expect(health.status).toBe('up');
        expect(BigInt(health.headPosition!) >= result.position).toBe(true);
      });

      it('refuses work after close', async () => {
        await store.close();
        await expect(store.append(stream('a'), events(1), 'any')).rejects.toBeInstanceOf(EventStoreClosedError);
        await expect(store.readStream(stream('a'))).rejects.toBeInstanceOf(EventStoreClosedError);
      });
    });
  });
}

export function events(count: number, type = 'Happened'): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type, data: { i } }));
}

async function readEvents(store: EventStore, name: string): Promise<RecordedEvent[]> {
  const result = await store.readStream(name);
  if (result.status !== 'found') throw new Error(`stream ${name} not found`);
  return result.events;
}

function revisions(result: Awaited<ReturnType<EventStore['readStream']>>): number[] {
  return result.status === 'found' ? result.events.map((e) => e.revision) : [];
}

function expectStrictlyIncreasing(positions: Position[]): void {
  positions.slice(1).forEach((p, i) => expect(p > positions[i]).toBe(true));
}

/** Takes `count` events from a subscription, failing (not hanging) if they do not come within the bound. */
export async function take(subscription: AllSubscription, count: number, withinMs = 10_000): Promise<RecordedEvent[]> {
  const got: RecordedEvent[] = [];
  if (count === 0) return got;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`only ${got.length} of ${count} events arrived within ${withinMs} ms`)),
      withinMs,
    );
  });
  const reading = (async () => {
    for await (const event of subscription) {
      got.push(event);
      if (got.length === count) break;
    }
    return got;
  })();
  try {
    return await Promise.race([reading, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** What an append answers, apart from whether it wrote its events (a repeat answers the first append's result). */
function answerOf({
  nextExpectedRevision,
  position,
}: AppendResult): Pick<AppendResult, 'nextExpectedRevision' | 'position'> {
  return { nextExpectedRevision, position };
}
