import fc from 'fast-check';
import { Decider, isRefusal, Refusal } from '../src/shared/decider';
import { CompactIdSet } from '../src/shared/compact-id-set';
import { ledger } from '../src/ledger/ledger.decider';
import { ActiveLedger, holdersOf, initialLedgerState } from '../src/ledger/ledger.events';
import { ledgerStateCodec } from '../src/ledger/ledger.snapshot';
import { metering } from '../src/metering/metering.decider';
import { meteringStateCodec } from '../src/metering/metering.snapshot';
import { MeteringCommand, MeteringFacts } from '../src/metering/metering.decide';
import { METERED_SERVICES, MeteringThresholds } from '../src/metering/metered-services';
import { LedgerCommand } from '../src/ledger/ledger.decide';
import { activate, aPackage, assign, meta, row, unassign } from './ledger.fixtures';

/**
 * Snapshot + tail = full fold: random histories, cut at a random revision; the state encoded there, decoded and
 * folded on with the rest must equal the fold of the whole history. The kept counts must equal a recount.
 */

const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
const MODULES = ['user', 'web', 'sales-premium', 'sales-essential', 'saint'];
const PACKAGE = aPackage({}, [
  row('user', { number: 5 }),
  row('web', { number: 4, prerequisite: 'user' }),
  row('sales-premium', { extraFlags: 1, extraInfo: 'set=user,web', number: 3 }),
  row('sales-essential', { extraFlags: 1, extraInfo: 'set=user', number: 3 }),
  row('saint', { number: 2 }),
]);

const ledgerCommand: fc.Arbitrary<LedgerCommand> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(fc.constantFrom(...USERS), fc.constantFrom(...MODULES)).map(([u, m]) => assign(u, m)),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom(...USERS), fc.constantFrom(...MODULES)).map(([u, m]) => unassign(u, m)),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...USERS)
      .map((userId): LedgerCommand => ({ type: 'DeactivateUser', data: { userId }, metadata: meta() })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...USERS)
      .map((userId): LedgerCommand => ({ type: 'ReactivateUser', data: { userId }, metadata: meta() })),
  },
);

function history<C, E, S, R extends Refusal>(decider: Decider<C, E, S, R>, commands: C[]): E[] {
  let state = decider.initialState();
  const events: E[] = [];
  for (const command of commands) {
    const outcome = decider.decide(command, state);
    if (isRefusal(outcome)) continue;
    for (const event of outcome) {
      state = decider.evolve(state, event);
      events.push(event);
    }
  }
  return events;
}

const foldAll = <E, S>(
  decider: { initialState(): S; evolve(s: S, e: E): S },
  events: E[],
  from = decider.initialState(),
) => events.reduce(decider.evolve, from);

function recount(state: ActiveLedger): { counts: Record<string, number>; activePlanHolders: number } {
  const counts: Record<string, number> = {};
  for (const owner of Object.keys(state.holdings))
    for (const module of Object.keys(state.holdings[owner]))
      counts[`${owner}/${module}`] = holdersOf(state, owner, module).length;
  const holders = new Set<string>();
  for (const byUser of Object.values(state.plans))
    for (const userId of Object.keys(byUser)) if (!state.inactiveUsers[userId]) holders.add(userId);
  return { counts, activePlanHolders: holders.size };
}

describe('ledger: snapshot + tail = full fold', () => {
  it('holds over random histories cut anywhere', () => {
    fc.assert(
      fc.property(fc.array(ledgerCommand, { maxLength: 80 }), fc.nat(), (commands, cutSeed) => {
        const events = history(ledger, [activate(PACKAGE), ...commands]);
        const cut = cutSeed % (events.length + 1);
        const snapshot = ledgerStateCodec.encode(foldAll(ledger, events.slice(0, cut)));
        const resumed = foldAll(ledger, events.slice(cut), ledgerStateCodec.decode(snapshot));
        const full = foldAll(ledger, events);
        expect(resumed).toEqual(full);
        if (full.status !== 'active') throw new Error('the history starts with an activation');
        const { counts, activePlanHolders } = recount(full);
        for (const [key, count] of Object.entries(counts)) {
          const [owner, module] = key.split('/');
          expect(full.holderCounts[owner]?.[module] ?? 0).toBe(count);
        }
        expect(full.activePlanHolders).toBe(activePlanHolders);
      }),
      { numRuns: 200 },
    );
  });

  it('covers both sides of the union: no package yet, and active', () => {
    const none = ledgerStateCodec.decode(ledgerStateCodec.encode(initialLedgerState()));
    expect(none).toEqual({ status: 'no-package' });
    const events = history(ledger, [activate(PACKAGE), assign('u1', 'sales-premium')]);
    const active = ledgerStateCodec.decode(ledgerStateCodec.encode(foldAll(ledger, events, none)));
    expect(active).toMatchObject({
      status: 'active',
      holderCounts: { SUPEROFFICE: { 'sales-premium': 1 } },
      activePlanHolders: 1,
    });
    expect(active).toEqual(foldAll(ledger, events));
  });

  it('refuses a snapshot without the union status (version 1 kept one record with a nullable tenant)', () => {
    expect(ledgerStateCodec.version).toBeGreaterThan(1);
    const old = new TextEncoder().encode(
      JSON.stringify({ tenantId: null, tenantSince: null, owners: {}, holdings: {}, plans: {}, inactiveUsers: {} }),
    );
    expect(() => ledgerStateCodec.decode(old)).toThrow('unknown status');
  });
});

const ID_POOL = Array.from({ length: 40 }, (_, i) => `usage-${i}`);
const SERVICES = ['chat-sessions', 'storage', 'form-submissions'] as const;
const THRESHOLDS = Object.fromEntries(
  METERED_SERVICES.map((service) => [service, { base: 5, perUser: 1 }]),
) as MeteringThresholds;
const facts = (now: string): MeteringFacts => ({
  now,
  actor: 't',
  activeUsers: 2,
  thresholds: THRESHOLDS,
  tenantSince: '2026-01-01T00:00:00.000Z',
});

const meteringCommand: fc.Arbitrary<MeteringCommand> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...ID_POOL), fc.constantFrom(...SERVICES), fc.integer({ min: 1, max: 5 })), {
        minLength: 1,
        maxLength: 6,
      })
      .map((records): MeteringCommand => ({
        type: 'RecordMeteredUsage',
        data: {
          tenantId: 'T',
          month: '2026-05',
          records: records.map(([usageId, service, quantity]) => ({
            usageId,
            service,
            quantity,
            occurredAt: '2026-05-10T00:00:00.000Z',
          })),
        },
        metadata: facts('2026-05-20T00:00:00.000Z'),
      })),
  },
  {
    weight: 1,
    arbitrary: fc.constant<MeteringCommand>({
      type: 'CloseMeteringMonth',
      data: { tenantId: 'T', month: '2026-05' },
      metadata: facts('2026-06-02T00:00:00.000Z'),
    }),
  },
);

describe('metering: snapshot + tail = full fold', () => {
  it('holds over random histories cut anywhere, usage ids included', () => {
    fc.assert(
      fc.property(fc.array(meteringCommand, { maxLength: 60 }), fc.nat(), (commands, cutSeed) => {
        const events = history(metering, commands);
        const cut = cutSeed % (events.length + 1);
        const snapshot = meteringStateCodec.encode(foldAll(metering, events.slice(0, cut)));
        const resumed = foldAll(metering, events.slice(cut), meteringStateCodec.decode(snapshot));
        const full = foldAll(metering, events);
        const { usageIds: resumedIds, ...resumedRest } = resumed;
        const { usageIds: fullIds, ...fullRest } = full;
        expect(resumedRest).toEqual(fullRest);
        expect(resumedIds.size).toBe(fullIds.size);
        for (const id of [...ID_POOL, 'never-seen']) expect(resumedIds.has(id)).toBe(fullIds.has(id));
      }),
      { numRuns: 200 },
    );
  });

  it('encodes into a buffer that held anything the same bytes as into a fresh one (the runner reuses buffers)', () => {
    fc.assert(
      fc.property(fc.array(meteringCommand, { maxLength: 60 }), fc.integer({ min: 0, max: 255 }), (commands, junk) => {
        const state = foldAll(metering, history(metering, commands));
        const fresh = meteringStateCodec.encode(state);
        let asked = -1;
        const reused = meteringStateCodec.encode(state, (byteLength) => {
          asked = byteLength;
          // A view into the middle of a larger, dirty buffer, as a reused one is.
          return new Uint8Array(byteLength + 24).fill(junk).subarray(8, 8 + byteLength);
        });
        expect(asked).toBe(fresh.byteLength);
        expect(Buffer.from(reused)).toEqual(Buffer.from(fresh));
      }),
      { numRuns: 100 },
    );
  });
});

describe('CompactIdSet', () => {
  it('answers like a Set over random ids, across growth and a round trip through its bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 40 }), { maxLength: 3000 }),
        fc.array(fc.string({ maxLength: 40 }), { maxLength: 200 }),
        (added, probes) => {
          const compact = CompactIdSet.empty(4);
          const reference = new Set<string>();
          for (const id of added) {
            compact.add(id);
            reference.add(id);
          }
          const copy = CompactIdSet.fromBytes(compact.bytes().slice(), compact.size);
          for (const id of [...added, ...probes]) {
            expect(compact.has(id)).toBe(reference.has(id));
            expect(copy.has(id)).toBe(reference.has(id));
          }
          expect(copy.size).toBe(reference.size);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('holds a million ids in 16 MB', () => {
    const set = CompactIdSet.empty();
    for (let i = 0; i < 1_000_000; i++) set.add(`usage-${i}`);
    expect(set.size).toBe(1_000_000);
    expect(set.byteLength).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(set.has('usage-999999')).toBe(true);
    expect(set.has('usage-1000000')).toBe(false);
  });
});
