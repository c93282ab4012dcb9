import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AllFilter, EventMetadata, JsonObject, NewEvent, SqliteEventStore } from '../src';
import { ordered, Reader, startReader, until } from './support/tail-readers';

/**
 * The committed tail (live subscription pages served from the store's own latest commits) must hand out exactly
 * what `readAll` reads back from SQLite: over random sequences of group commits (with refused appends rolled back to
 * their savepoint, answered repeats, duplicate ids failing half-way), appends by another connection to the same
 * file in between, small tails that evict, and filters, every subscription's output equals `readAll` with its
 * filter: same events, same order, same data and metadata down to key order and -0, no gap, no duplicate.
 */
const STREAMS = ['a-1', 'a-2', 'b-1', 'c-x', 'ab'];
const TYPES = ['T1', 'T2', 'T3'];
const FILTERS: Array<AllFilter | undefined> = [
  undefined,
  { streamPrefix: 'a' },
  { streamPrefix: ['b-', 'c'] },
  { eventTypes: ['T1'] },
  { streamPrefix: 'a-', eventTypes: ['T2', 'T3'] },
  { eventTypes: [] },
  { streamPrefix: [] },
];

/** Data and metadata, some of which JSON does not read back as given (the tail must then hand out what it reads). */
const payloads: Array<(n: number) => { data: JsonObject; metadata?: EventMetadata }> = [
  (n) => ({ data: { n, nested: { list: [1, 'x', null, true, { deep: n }] } }, metadata: { correlationId: `c-${n}` } }),
  (n) => ({ data: { b: n, '2': 'two', a: 'first', '1': 'one' } }),
  (n) => ({
    data: { zero: -0, n, notANumber: NaN, infinite: Infinity },
    metadata: { actor: 'x', causationId: undefined },
  }),
  (n) => ({ data: { n, text: 'é ü 𝄞 \u0000 "quoted"' }, metadata: { tenant: 't', result: { list: [-0, n] } } }),
];

interface AppendSpec {
  stream: string;
  count: number;
  type: string;
  payload: number;
  expect: 'any' | 'no_stream' | 'wrong';
  /** The second event reuses an id already in the stream: the append fails after its first insert. */
  duplicateId: boolean;
}
type Op =
  | { kind: 'group'; appends: AppendSpec[] }
  | { kind: 'repeat' }
  | { kind: 'foreign'; stream: string; count: number }
  | { kind: 'catch-up' };

const appendSpec = fc.record({
  stream: fc.constantFrom(...STREAMS),
  count: fc.integer({ min: 1, max: 3 }),
  type: fc.constantFrom(...TYPES),
  payload: fc.integer({ min: 0, max: payloads.length - 1 }),
  expect: fc.constantFrom<AppendSpec['expect']>('any', 'any', 'no_stream', 'wrong'),
  duplicateId: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('group'), appends: fc.array(appendSpec, { minLength: 1, maxLength: 4 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat') }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('foreign'),
      stream: fc.constantFrom(...STREAMS),
      count: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('catch-up') }) },
);

describe('SqliteEventStore committed tail (property)', () => {
  it('subscriptions hand out what readAll reads back, whatever was committed, refused or written by another connection', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 14 }),
        fc.constantFrom<'FULL' | 'NORMAL'>('FULL', 'NORMAL'),
        fc.record({ maxEvents: fc.integer({ min: 1, max: 40 }), maxBytes: fc.constantFrom(1_000, 4_000, 1_000_000) }),
        async (ops, synchronous, limits) => {
          const dir = mkdtempSync(join(tmpdir(), 'committed-tail-'));
          const file = join(dir, 'events.db');
          const store = new SqliteEventStore({ file, synchronous, pollIntervalMs: 5, committedTail: limits });
          const other = new SqliteEventStore({ file, synchronous: 'NORMAL' }); // another process's connection
          const readers = FILTERS.map((filter) => startReader(store, filter));
          try {
            await run(ops, store, other, readers);
            await caughtUp(store, readers);
            for (const reader of readers) {
              expect(ordered(reader.seen)).toStrictEqual(ordered(await store.readAll({ filter: reader.filter })));
            }
          } finally {
            await Promise.all(readers.map((reader) => reader.stop()));
            await other.close();
            await store.close();
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 240_000);
});

/**
 * Appends two markers (one group commit) that every filter above matches one of, and waits until every reader has
 * handed out its marker: then it has read everything before it, rightly or wrongly (a gap or a duplicate shows in
 * the comparison, it does not make the wait hang).
 */
async function caughtUp(store: SqliteEventStore, readers: Reader[]): Promise<void> {
  await Promise.all([
    store.append('a-1', [{ type: 'T2', data: { marker: true } }], 'any'),
    store.append('b-1', [{ type: 'T1', data: { marker: true } }], 'any'),
  ]);
  for (const reader of readers) {
    const expected = await store.readAll({ filter: reader.filter });
    const marker = expected[expected.length - 1].id;
    await until(() => reader.failed !== undefined || reader.seen.some((event) => event.id === marker));
    expect(reader.failed).toBeUndefined();
  }
}

async function run(ops: Op[], store: SqliteEventStore, other: SqliteEventStore, readers: Reader[]): Promise<void> {
  const ids = new Map<string, string[]>(); // the ids written to each stream, for duplicates
  let lastWritten: { stream: string; events: NewEvent[] } | undefined;
  let n = 0;
  for (const step of ops) {
    if (step.kind === 'catch-up') {
      // Readers caught up with everything durable: the next commits are read live, page by page.
      await caughtUp(store, readers);
    } else if (step.kind === 'foreign') {
      await other.append(step.stream, events(step.count, 'T1', 0, n++), 'any');
    } else if (step.kind === 'repeat') {
      if (lastWritten) await store.append(lastWritten.stream, lastWritten.events, 'any').catch(() => undefined);
    } else {
      // Appended in the same turn: one transaction, each append in its own savepoint.
      const appends = step.appends.map((spec) => {
        const written = events(spec.count, spec.type, spec.payload, n++);
        const known = ids.get(spec.stream) ?? [];
        if (spec.duplicateId && spec.count > 1 && known.length > 0) written[1] = { ...written[1], id: known[0] };
        const expected = spec.expect === 'wrong' ? 10_000 : spec.expect;
        return { spec, written, outcome: store.append(spec.stream, written, expected) };
      });
      for (const { spec, written, outcome } of appends) {
        const result = await outcome.catch(() => undefined);
        if (result === undefined) continue;
        ids.set(spec.stream, [...(ids.get(spec.stream) ?? []), ...written.map((event) => event.id ?? '')]);
        lastWritten = { stream: spec.stream, events: written };
      }
    }
  }
}

function events(count: number, type: string, payload: number, n: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type, ...payloads[payload](n * 10 + i) }));
}
