import fc from 'fast-check';
import { CompactIdSet, compactIdSetCounters, fingerprintsOf } from '../src/shared/compact-id-set';
import { isRefusal } from '../src/shared/decider';
import { METERED_SERVICES, MeteringThresholds } from '../src/metering/metered-services';
import { MeteringCommand } from '../src/metering/metering.decide';
import { metering } from '../src/metering/metering.decider';
import { initialMeteringState, MeteringEvent, MeteringState } from '../src/metering/metering.events';
import { sortUsageRecords, UsageRecord } from '../src/metering/usage-record';

/**
 * A batch's usage ids are fingerprinted once: the decider asks the month's set with the fingerprints (all at once,
 * `hasEach`) and the evolve that records the checked group adds the same ones (`addEach`). What it decides and the
 * state it leaves must be what asking and adding id by id gave.
 */

const NOW = '2026-09-20T08:00:00.000Z';
const THRESHOLDS = Object.fromEntries(
  METERED_SERVICES.map((service) => [service, { base: 1e9, perUser: 0 }]),
) as MeteringThresholds;
const FACTS = { now: NOW, actor: 'svc', activeUsers: 1, thresholds: THRESHOLDS, tenantSince: '2026-01-05T09:00:00Z' };

const usage = (usageId: string): UsageRecord => ({
  usageId,
  service: 'chat-sessions',
  quantity: 1,
  occurredAt: '2026-09-10T12:00:00.000Z',
});
const checked = (ids: string[]): UsageRecord[] => sortUsageRecords(ids.map(usage), NOW).byMonth.get('2026-09') ?? [];
const record = (records: UsageRecord[]): MeteringCommand => ({
  type: 'RecordMeteredUsage',
  data: { tenantId: 'Cust12345', month: '2026-09', records },
  metadata: FACTS,
});

/** Decides and evolves, as a runner's turn does: the events and the state after them. */
function turn(state: MeteringState, records: UsageRecord[]): { events: MeteringEvent[]; state: MeteringState } {
  const decided = metering.decide(record(records), state);
  if (isRefusal(decided)) throw new Error(decided.code);
  return { events: decided, state: decided.reduce(metering.evolve, state) };
}

/** What the decider recorded before fingerprints were shared: ids neither counted nor repeated, asked one by one. */
function freshIdsOf(counted: Set<string>, ids: string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    const fresh = !counted.has(id) && !seen.has(id);
    if (!counted.has(id)) seen.add(id);
    return fresh;
  });
}

/** The set's size and table, as a hex text (a Jest comparison of a 16 kB array element by element is slow). */
const tableOf = (state: MeteringState) => ({
  size: state.usageIds.size,
  bytes: Buffer.from(state.usageIds.bytes()).toString('hex'),
});

describe('usage ids fingerprinted once per batch', () => {
  it('decide the same fresh records and leave the same set as id-by-id asking and adding, whatever repeats', () => {
    // Few distinct ids, so batches repeat each other and themselves.
    const id = fc.integer({ min: 0, max: 60 }).map((n) => `u-${n}`);
    fc.assert(
      fc.property(
        fc.array(fc.array(id, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 6 }),
        (batches) => {
          let state = initialMeteringState();
          let plain = initialMeteringState();
          const counted = new Set<string>();
          for (const ids of batches) {
            const expected = freshIdsOf(counted, ids);
            const group = checked(ids);
            const done = turn(state, group);
            const recorded = done.events.flatMap((event) =>
              event.type === 'MeteredUsageRecorded' ? event.data.records.map((one) => one.usageId) : [],
            );
            expect(recorded).toEqual(expected);
            if (expected.length === ids.length) expect(done.events[0].data).toMatchObject({ records: group });
            state = done.state;
            // The same records as a plain array (not checked): every id hashed and added one by one.
            plain = turn(plain, ids.map(usage)).state;
            expected.forEach((one) => counted.add(one));
            expect(tableOf(state)).toEqual(tableOf(plain));
            expect(state.totals).toEqual(plain.totals);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hashes each id of a checked batch once between decide and evolve', () => {
    const ids = Array.from({ length: 1000 }, (_, index) => `batch-${index}`);
    // evolve folds in place: each turn starts from a month of its own.
    const month = () => turn(initialMeteringState(), checked(['earlier-1', 'earlier-2'])).state;
    const group = checked(ids);
    const before = month();
    const start = compactIdSetCounters.fingerprints;
    const { state } = turn(before, group);
    expect(compactIdSetCounters.fingerprints - start).toBe(1000);
    expect(state.usageIds.size).toBe(1002);
    // A plain array (a replayed or hand-made command) is hashed where it is asked and again where it is added.
    const other = month();
    const plainStart = compactIdSetCounters.fingerprints;
    turn(other, ids.map(usage));
    expect(compactIdSetCounters.fingerprints - plainStart).toBe(2000);
  });
});

describe('CompactIdSet with fingerprints', () => {
  it('answers hasEach, addEach and addFingerprintAt as has and addIfAbsent do, through growth', () => {
    const id = fc.string({ minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.array(id, { maxLength: 300 }), fc.array(id, { maxLength: 300 }), (first, second) => {
        const bulk = CompactIdSet.empty(16);
        const single = CompactIdSet.empty(16);
        bulk.addEach(fingerprintsOf(first.length, (index) => first[index]));
        first.forEach((one) => single.add(one));
        expect(bulk.size).toBe(single.size);
        expect(Buffer.from(bulk.bytes()).equals(single.bytes())).toBe(true);
        const asked = fingerprintsOf(second.length, (index) => second[index]);
        expect([...bulk.hasEach(asked)]).toEqual(second.map((one) => (single.has(one) ? 1 : 0)));
        second.forEach((one, index) => expect(bulk.addFingerprintAt(asked, index)).toBe(single.addIfAbsent(one)));
        expect(Buffer.from(bulk.bytes()).equals(single.bytes())).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
