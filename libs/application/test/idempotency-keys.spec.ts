import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eventCodec, EventSourcedDecider } from '@app/domain';
import { KeyBinding, SqliteEventStore } from '@app/event-store';
import { CommandEnvelope, CommandIdReusedError, DeciderRunner, IdempotencyKeys } from '../src';

type Command = { type: 'Add'; data: { n: number } };
type Event = { type: 'Added'; data: { n: number } };

const counter: EventSourcedDecider<Command, Event, { total: number }> = {
  codec: eventCodec<Event>({ Added: { schema: z.object({ n: z.number() }) } }),
  initialState: () => ({ total: 0 }),
  decide: (command) => [{ type: 'Added', data: { n: command.data.n } }],
  evolve: (state, event) => ({ total: state.total + event.data.n }),
};
const add = (n: number): Command => ({ type: 'Add', data: { n } });
const envelope = (idempotency?: KeyBinding): CommandEnvelope => ({
  commandId: idempotency?.key ?? randomUUID(),
  correlationId: 'corr-1',
  actor: 'tester',
  tenant: 'T1',
  ...(idempotency ? { idempotency } : {}),
});
const summary = () => null;

/** Issue 13, item 7: an idempotency key names one request across streams. */
describe('Idempotency keys across streams', () => {
  let store: SqliteEventStore;
  let runner: DeciderRunner<Command, Event, { total: number }>;
  let keys: IdempotencyKeys;
  beforeEach(() => {
    store = new SqliteEventStore({ file: ':memory:' });
    runner = new DeciderRunner(store, counter);
    keys = new IdempotencyKeys(store);
  });
  afterEach(() => store.close());

  it('writes the key and the request fingerprint on every event, and the store binds the key', async () => {
    const key = randomUUID();
    await runner.run('c-1', add(1), envelope({ key, fingerprint: 'f1' }), summary);
    const read = await store.readStream('c-1');
    expect(read.status === 'found' && read.events[0].metadata).toMatchObject({
      commandId: key,
      idempotencyKey: key,
      requestHash: 'f1',
    });
    expect(await store.idempotencyKey(key)).toEqual({ fingerprint: 'f1', stream: 'c-1' });
  });

  it('refuses a key bound to another request before running it, and lets the same request through', async () => {
    const key = randomUUID();
    const run = (stream: string, fingerprint: string) =>
      keys.exclusive({ key, fingerprint }, () => runner.run(stream, add(1), envelope({ key, fingerprint }), summary));
    await run('c-1', 'f1');
    const head = await store.headPosition();
    await expect(run('c-2', 'f2')).rejects.toBeInstanceOf(CommandIdReusedError);
    expect((await store.readStream('c-2')).status).toBe('stream-not-found');
    expect(await run('c-1', 'f1')).toMatchObject({ kind: 'recorded', repeated: true });
    expect(await store.headPosition()).toBe(head);
  });

  it('runs requests with one key one after the other: of two concurrent different ones the second is refused', async () => {
    const key = randomUUID();
    const run = (stream: string, fingerprint: string) =>
      keys.exclusive({ key, fingerprint }, () => runner.run(stream, add(1), envelope({ key, fingerprint }), summary));
    const outcomes = await Promise.allSettled([run('c-1', 'f1'), run('c-2', 'f2'), run('c-1', 'f1')]);
    expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { kind: 'recorded', repeated: false } });
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: new CommandIdReusedError(key) });
    expect(outcomes[2]).toMatchObject({ status: 'fulfilled', value: { kind: 'recorded', repeated: true } });
  });

  it('an append refused for a key bound elsewhere fails only the commands carrying that key; the turn goes on', async () => {
    const key = randomUUID();
    // Bound by another process, unseen by this one's check.
    await store.append(
      'elsewhere',
      [{ type: 'Added', data: { n: 1 }, metadata: { idempotencyKey: key, requestHash: 'f1' } }],
      'any',
    );
    const [reused, innocent] = await Promise.allSettled([
      runner.run('c-1', add(1), envelope({ key, fingerprint: 'f2' }), summary),
      runner.run('c-1', add(2), envelope(), summary),
    ]);
    expect(reused).toMatchObject({ status: 'rejected', reason: new CommandIdReusedError(key) });
    expect(innocent).toMatchObject({ status: 'fulfilled', value: { kind: 'recorded' } });
    const read = await store.readStream('c-1');
    expect(read.status === 'found' && read.events.map((event) => event.data)).toEqual([{ n: 2 }]);
  });
});
