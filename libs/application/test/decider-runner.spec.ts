import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventSourcedDecider } from '@app/domain';
import { EventStore, SqliteEventStore, WrongExpectedVersionError } from '@app/event-store';
import {
  checkLink,
  CommandIdReusedError,
  CommandTurnFailedError,
  ConcurrencyRetriesExhaustedError,
  DeciderRunner,
  storedHash,
} from '../src';
import {
  add,
  counterDecider,
  CounterCommand,
  CounterEvent,
  CounterState,
  envelope,
  totalOf,
} from './support/counter-decider';

const counter = counterDecider(10);

describe('DeciderRunner', () => {
  let dir: string;
  let store: SqliteEventStore;
  let runner: DeciderRunner<CounterCommand, CounterEvent, CounterState>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    runner = new DeciderRunner(store, counter);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const streamEvents = async () => {
    const read = await store.readStream('counter-1');
    return read.status === 'found' ? read.events : [];
  };

  it('records the decided events with correlation, causation, actor, tenant and command id', async () => {
    const outcome = await runner.run('counter-1', add(3), envelope('11111111-1111-4111-8111-111111111111'), totalOf);
    expect(outcome).toMatchObject({ kind: 'recorded', summary: 3, repeated: false });
    const [event] = await streamEvents();
    expect(event.metadata).toMatchObject({
      correlationId: 'corr-1',
      causationId: '11111111-1111-4111-8111-111111111111',
      actor: 'tester',
      tenant: 'T1',
      commandId: '11111111-1111-4111-8111-111111111111',
    });
    expect(outcome.kind === 'recorded' && outcome.position).toBe(event.position);
  });

  it('answers a refusal and writes nothing', async () => {
    await runner.run('counter-1', add(8), envelope(), totalOf);
    const head = await store.headPosition();
    const outcome = await runner.run('counter-1', add(5), envelope(), totalOf);
    expect(outcome).toMatchObject({ kind: 'refused', refusal: { code: 'cap-exceeded', context: { total: 8 } } });
    expect(await store.headPosition()).toBe(head);
  });

  it('a retry with the same command id answers the first result and writes nothing', async () => {
    const id = randomUUID();
    const first = await runner.run('counter-1', add(4), envelope(id), totalOf);
    const head = await store.headPosition();
    const again = await runner.run('counter-1', add(4), envelope(id), totalOf);
    expect(again).toMatchObject({
      kind: 'recorded',
      repeated: true,
      summary: 4,
      events: [{ type: 'Added', data: { n: 4 } }],
    });
    expect(again.kind === 'recorded' && first.kind === 'recorded' && again.position === first.position).toBe(true);
    expect(await store.headPosition()).toBe(head);
  });

  it('a retry is recognised by a fresh runner too (after a restart)', async () => {
    const id = randomUUID();
    await runner.run('counter-1', add(4), envelope(id), totalOf);
    const restarted = new DeciderRunner(store, counter);
    expect(await restarted.run('counter-1', add(4), envelope(id), totalOf)).toMatchObject({
      repeated: true,
      summary: 4,
    });
    expect(await streamEvents()).toHaveLength(1);
  });

  it('refuses a command id reused for a different command', async () => {
    const id = randomUUID();
    await runner.run('counter-1', add(1), envelope(id), totalOf);
    await expect(runner.run('counter-1', add(2), envelope(id), totalOf)).rejects.toBeInstanceOf(CommandIdReusedError);
  });

  it('20 concurrent copies of one command record it once', async () => {
    const id = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => runner.run('counter-1', add(2), envelope(id), totalOf)),
    );
    expect(outcomes.every((o) => o.kind === 'recorded')).toBe(true);
    expect(await streamEvents()).toHaveLength(1);
  });

  it('concurrent commands never pass the cap: conflicts are reloaded and decided again', async () => {
    const runners = [runner, new DeciderRunner(store, counter), new DeciderRunner(store, counter)];
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => runners[i % 3].run('counter-1', add(1), envelope(), totalOf)),
    );
    expect(outcomes.filter((o) => o.kind === 'recorded')).toHaveLength(10);
    expect(outcomes.filter((o) => o.kind === 'refused')).toHaveLength(20);
    expect(await streamEvents()).toHaveLength(10);
  });

  it('commands queued together are decided in order and recorded by one append', async () => {
    const appends = jest.spyOn(store, 'append');
    const outcomes = await Promise.all([4, 4, 4, 1].map((n) => runner.run('counter-1', add(n), envelope(), totalOf)));
    expect(outcomes.map((o) => o.kind)).toEqual(['recorded', 'recorded', 'refused', 'recorded']);
    expect(appends).toHaveBeenCalledTimes(1);
    expect((await streamEvents()).map((e) => e.data.n)).toEqual([4, 4, 1]);
  });

  it('starts one drain per stream for the commands of one tick, not one per command', async () => {
    const scheduled = jest.spyOn(globalThis, 'setImmediate');
    try {
      const runs = [1, 1, 1, 1, 1].map((n) => runner.run('counter-1', add(n), envelope(), totalOf));
      runs.push(runner.run('counter-2', add(1), envelope(), totalOf));
      expect(scheduled).toHaveBeenCalledTimes(2); // one per stream
      await Promise.all(runs);
      // Once drained, the next command of the stream schedules a drain of its own again (the store's flush and the
      // like scheduled theirs meanwhile: counted from here).
      const before = scheduled.mock.calls.length;
      const later = runner.run('counter-1', add(1), envelope(), totalOf);
      expect(scheduled.mock.calls.length - before).toBe(1);
      expect(await later).toMatchObject({ kind: 'recorded', summary: 1 });
    } finally {
      scheduled.mockRestore();
    }
    expect((await streamEvents()).map((e) => e.data.n)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('decides in one turn the commands of one poll phase, though microtasks ran between them', async () => {
    // Requests read in one poll phase reach the runner one socket at a time, with the microtasks run after each.
    // Drained a microtask later, the first made a turn (and a commit) of its own (issue 15: a fifth of the commits
    // of single usage records held one event).
    const appends = jest.spyOn(store, 'append');
    const runs = [runner.run('counter-1', add(1), envelope(), totalOf)];
    for (let n = 0; n < 3; n++) {
      for (let tick = 0; tick < 5; tick++) await Promise.resolve();
      runs.push(runner.run('counter-1', add(1), envelope(), totalOf));
    }
    expect((await Promise.all(runs)).map((o) => o.kind)).toEqual(['recorded', 'recorded', 'recorded', 'recorded']);
    expect(appends).toHaveBeenCalledTimes(1);
    expect(appends.mock.calls[0][1]).toHaveLength(4);
  });

  it('catches up with events another process appended', async () => {
    await runner.run('counter-1', add(5), envelope(), totalOf);
    await new DeciderRunner(store, counter).run('counter-1', add(5), envelope(), totalOf);
    expect(await runner.run('counter-1', add(1), envelope(), totalOf)).toMatchObject({
      kind: 'refused',
      refusal: { context: { total: 10 } },
    });
  });

  const expectValidChain = async () => {
    let previous: string | null = null;
    for (const event of await streamEvents()) {
      expect({ revision: event.revision, check: checkLink(event, previous) }).toEqual({
        revision: event.revision,
        check: { status: 'valid' },
      });
      previous = storedHash(event.metadata);
    }
  };

  it('chains every event it records to the previous one of its stream, across turns and runners', async () => {
    await Promise.all([1, 2, 3].map((n) => runner.run('counter-1', add(n), envelope(), totalOf)));
    await new DeciderRunner(store, counter).run('counter-1', add(1), envelope(), totalOf);
    await runner.run('counter-1', add(1), envelope(), totalOf);
    const events = await streamEvents();
    expect(events).toHaveLength(5);
    expect(events[0].metadata.previousHash).toBeNull();
    await expectValidChain();
  });

  it("links to the stored hash when the store answered its append as a repeat of another process's", async () => {
    const id = randomUUID();
    const racing: EventStore = Object.create(store);
    let race = false;
    racing.append = async (stream, events, expected) => {
      if (race) {
        race = false;
        // Between this runner's read and its append, the same command lands through another process, under
        // another correlation id: the store answers this append as a repeat, and its hashes were never stored.
        await new DeciderRunner(store, counter).run(
          'counter-1',
          add(2),
          { ...envelope(id), correlationId: 'corr-2' },
          totalOf,
        );
      }
      return store.append(stream, events, expected);
    };
    const racer = new DeciderRunner(racing, counter);
    await racer.run('counter-1', add(1), envelope(), totalOf);
    race = true;
    await racer.run('counter-1', add(2), envelope(id), totalOf);
    await racer.run('counter-1', add(3), envelope(), totalOf);
    const events = await streamEvents();
    expect(events.map((e) => [e.data.n, e.metadata.correlationId])).toEqual([
      [1, 'corr-1'],
      [2, 'corr-2'],
      [3, 'corr-1'],
    ]);
    await expectValidChain();
  });

  it('gives up after a bounded number of conflicts, with the conflict as the cause', async () => {
    const contended: EventStore = Object.create(store);
    contended.append = async () => {
      throw new WrongExpectedVersionError('counter-1', 0, 1);
    };
    const error = await new DeciderRunner(contended, counter, { maxAttempts: 3 })
      .run('counter-1', add(1), envelope(), totalOf)
      .catch((e) => e);
    expect(error).toBeInstanceOf(ConcurrencyRetriesExhaustedError);
    expect(error.cause).toBeInstanceOf(WrongExpectedVersionError);
  });

  it('never swallows other store errors', async () => {
    const broken: EventStore = Object.create(store);
    broken.append = async () => {
      throw new Error('disk full');
    };
    await expect(new DeciderRunner(broken, counter).run('counter-1', add(1), envelope(), totalOf)).rejects.toThrow(
      'disk full',
    );
  });

  it('fails every command of a turn that throws, forgets its decisions, and keeps serving the stream (issue 13, item 1)', async () => {
    // A decider that records a number canonical JSON cannot express (as a sum of huge quantities did): the append's
    // hash chain throws inside the turn.
    const overflowing: EventSourcedDecider<CounterCommand, CounterEvent, CounterState> = {
      ...counter,
      decide: (command) => [{ type: 'Added', data: { n: command.data.n * 1e308 * 10 } }],
    };
    const lenient = new DeciderRunner(store, overflowing);
    const escaped: unknown[] = [];
    const onUnhandled = (reason: unknown) => escaped.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const both = await Promise.allSettled([
        lenient.run('counter-1', add(1), envelope(), totalOf),
        lenient.run('counter-1', add(2), envelope(), totalOf),
      ]);
      for (const result of both) {
        expect(result.status).toBe('rejected');
        const reason = (result as PromiseRejectedResult).reason;
        expect(reason).toBeInstanceOf(CommandTurnFailedError);
        // The message names nothing internal; the cause is kept for the log.
        expect(reason.message).toBe('the command could not be completed');
        expect(String(reason.cause)).toMatch(/Infinity/);
      }
      expect(await streamEvents()).toHaveLength(0);
      const next = await runner.run('counter-1', add(2), envelope(), totalOf);
      expect(next).toMatchObject({ kind: 'recorded', summary: 2 });
      expect(await runner.read('counter-1', (state) => state.total)).toBe(2);
      expect(await lenient.read('counter-1', (state) => state.total)).toBe(2);
      await new Promise((resolve) => setImmediate(resolve));
      expect(escaped).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a repeat after a restart answers the original position, also for a command that shared its append (issue 13, item 7)', async () => {
    const first = envelope();
    const [original, other] = await Promise.all([
      runner.run('counter-1', add(1), first, totalOf),
      runner.run('counter-1', add(2), envelope(), totalOf),
    ]);
    expect(original.kind === 'recorded' && other.kind === 'recorded' && original.position === other.position).toBe(
      true,
    );
    const restarted = new DeciderRunner(store, counter);
    const repeat = await restarted.run('counter-1', add(1), first, totalOf);
    expect(repeat).toMatchObject({ kind: 'recorded', repeated: true });
    expect(repeat.kind === 'recorded' && repeat.position).toBe(original.kind === 'recorded' && original.position);
  });
});
