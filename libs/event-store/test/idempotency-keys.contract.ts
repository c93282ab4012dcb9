import { randomUUID } from 'node:crypto';
import {
  EventStore,
  IdempotencyKeyConflictError,
  InvalidEventStoreRequestError,
  NewEvent,
  WrongExpectedVersionError,
} from '../src';
import type { EventStoreContractSubject } from './event-store.contract';

/**
 * The idempotency-key part of the event-store contract (idempotency-keys.ts), run by every adapter beside the main
 * contract: a key is bound by the first append that carries it, to its request's fingerprint, atomically with the
 * append; an append carrying it for another request is refused and writes nothing.
 */
export function idempotencyKeyContract(adapterName: string, makeSubject: () => EventStoreContractSubject): void {
  describe(`EventStore contract, idempotency keys: ${adapterName}`, () => {
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

    it('binds a key to its request on the first append that carries it', async () => {
      const key = randomUUID();
      expect(await store.idempotencyKey(key)).toBeNull();
      await store.append(stream('a'), keyed(2, key, 'request-1'), 'no_stream');
      expect(await store.idempotencyKey(key)).toEqual({ fingerprint: 'request-1', stream: stream('a') });
      expect(await store.idempotencyKey(randomUUID())).toBeNull();
    });

    it('lets one request carry its key to several streams (and a retry repeat its append)', async () => {
      const key = randomUUID();
      const first = keyed(1, key, 'request-1');
      const written = await store.append(stream('a'), first, 'no_stream');
      await store.append(stream('b'), keyed(1, key, 'request-1'), 'no_stream');
      expect(await store.append(stream('a'), first, 'no_stream')).toMatchObject({
        nextExpectedRevision: written.nextExpectedRevision,
        position: written.position,
      });
      expect(await store.idempotencyKey(key)).toEqual({ fingerprint: 'request-1', stream: stream('a') });
    });

    it('refuses the key for another request on another stream, writing nothing', async () => {
      const key = randomUUID();
      await store.append(stream('a'), keyed(1, key, 'request-1'), 'no_stream');
      const head = await store.headPosition();
      await expect(store.append(stream('b'), keyed(2, key, 'request-2'), 'no_stream')).rejects.toEqual(
        new IdempotencyKeyConflictError(stream('b'), key),
      );
      await expect(store.append(stream('a'), keyed(1, key, 'request-2'), 0)).rejects.toBeInstanceOf(
        IdempotencyKeyConflictError,
      );
      expect((await store.readStream(stream('b'))).status).toBe('stream-not-found');
      expect(await store.headPosition()).toBe(head);
      expect(await store.idempotencyKey(key)).toEqual({ fingerprint: 'request-1', stream: stream('a') });
    });

    it('refuses one append that carries a key for two requests', async () => {
      const key = randomUUID();
      await expect(
        store.append(stream('a'), [...keyed(1, key, 'request-1'), ...keyed(1, key, 'request-2')], 'no_stream'),
      ).rejects.toBeInstanceOf(IdempotencyKeyConflictError);
      expect((await store.readStream(stream('a'))).status).toBe('stream-not-found');
      expect(await store.idempotencyKey(key)).toBeNull();
    });

    it('binds nothing for an append refused on its expected state, or for events without a key', async () => {
      const key = randomUUID();
      await store.append(stream('a'), [{ id: randomUUID(), type: 'Plain', data: {} }], 'no_stream');
      await expect(store.append(stream('a'), keyed(1, key, 'request-1'), 'no_stream')).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      expect(await store.idempotencyKey(key)).toBeNull();
      await store.append(stream('b'), keyed(1, key, 'request-2'), 'no_stream');
      expect(await store.idempotencyKey(key)).toEqual({ fingerprint: 'request-2', stream: stream('b') });
    });

    it('refuses a key without the request fingerprint beside it', async () => {
      const event: NewEvent = { id: randomUUID(), type: 'Keyed', data: {}, metadata: { idempotencyKey: randomUUID() } };
      await expect(store.append(stream('a'), [event], 'any')).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
      expect((await store.readStream(stream('a'))).status).toBe('stream-not-found');
    });

    it('lets exactly one of two concurrent requests with one key in, on different streams', async () => {
      const key = randomUUID();
      const outcomes = await Promise.allSettled([
        store.append(stream('a'), keyed(1, key, 'request-1'), 'no_stream'),
        store.append(stream('b'), keyed(1, key, 'request-2'), 'no_stream'),
      ]);
      const won = outcomes.findIndex((outcome) => outcome.status === 'fulfilled');
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((outcomes[1 - won] as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyKeyConflictError);
      expect(await store.idempotencyKey(key)).toEqual({
        fingerprint: `request-${won + 1}`,
        stream: stream(won === 0 ? 'a' : 'b'),
      });
      const loser = stream(won === 0 ? 'b' : 'a');
      expect((await store.readStream(loser)).status).toBe('stream-not-found');
    });

    it('keeps key bindings out of reads of all events', async () => {
      const before = await store.headPosition();
      await store.append(stream('a'), keyed(1, randomUUID(), 'request-1'), 'no_stream');
      const all = await store.readAll({ afterPosition: before ?? undefined });
      expect(all.map((event) => event.stream)).toEqual([stream('a')]);
      expect(await store.headPosition()).toBe(all[0].position);
    });
  });
}

/** `count` events of one command whose request carries `key` and has the given fingerprint. */
export function keyed(count: number, key: string, fingerprint: string): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: 'Keyed',
    data: { i },
    metadata: { idempotencyKey: key, requestHash: fingerprint, commandId: randomUUID() },
  }));
}
