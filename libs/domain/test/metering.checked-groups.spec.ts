import { isRefusal } from '../src/shared/decider';
import { METERED_SERVICES, MeteringThresholds } from '../src/metering/metered-services';
import { MeteringCommand } from '../src/metering/metering.decide';
import { metering } from '../src/metering/metering.decider';
import { initialMeteringState, MeteringEvent } from '../src/metering/metering.events';
import * as usageRecords from '../src/metering/usage-record';
import {
  keepGroupJson,
  keptGroupJson,
  sortUsageRecords,
  UsageRecord,
  usageIdFingerprints,
  usageRecordsCheck,
} from '../src/metering/usage-record';

/**
 * A batch's records are checked once, by `sortUsageRecords`, which freezes what it checked: the decider trusts such
 * a group only for the month and the instant it was checked against, and passes it on as it is when nothing in it
 * is a duplicate (so the application's canonical JSON writes its text once, for the command and the event).
 */

const CHECKED_AT = '2026-09-20T08:00:00.000Z';
const THRESHOLDS = Object.fromEntries(
  METERED_SERVICES.map((service) => [service, { base: 1e9, perUser: 0 }]),
) as MeteringThresholds;

const usage = (usageId: string, occurredAt = '2026-09-10T12:00:00.000Z'): UsageRecord => ({
  usageId,
  service: 'chat-sessions',
  quantity: 1,
  occurredAt,
});

const groupOf = (records: unknown[], now = CHECKED_AT, month = '2026-09'): UsageRecord[] => {
  const group = sortUsageRecords(records, now).byMonth.get(month);
  if (!group) throw new Error(`no records of ${month}`);
  return group;
};

const record = (records: UsageRecord[], now = CHECKED_AT, month = '2026-09'): MeteringCommand => ({
  type: 'RecordMeteredUsage',
  data: { tenantId: 'Cust12345', month, records },
  metadata: { now, actor: 'svc', activeUsers: 1, thresholds: THRESHOLDS, tenantSince: '2026-01-05T09:00:00.000Z' },
});

const decide = (command: MeteringCommand, history: MeteringEvent[] = []) => {
  const state = history.reduce(metering.evolve, initialMeteringState());
  return metering.decide(command, state);
};

afterEach(() => jest.restoreAllMocks());

describe('checked groups of usage records', () => {
  it('are frozen copies, with the month and instant they were checked against; other arrays are not', () => {
    const sent = [usage('a'), usage('b')];
    const group = groupOf(sent);
    expect(Object.isFrozen(group)).toBe(true);
    expect(group.every((one) => Object.isFrozen(one))).toBe(true);
    expect(group[0]).not.toBe(sent[0]);
    expect(usageRecordsCheck(group)).toEqual({ month: '2026-09', nowMs: Date.parse(CHECKED_AT) });
    expect(usageRecordsCheck([...group])).toBeUndefined();
    expect(usageRecordsCheck(sent)).toBeUndefined();
  });

  it('keep what is known of them on the group itself, where neither JSON, a copy, Object.keys nor a clone sees it', () => {
    const group = groupOf([usage('a'), usage('b')]);
    // One member, keyed by a symbol, not enumerable, fixed: no weak map per group (issue 15, goal 4).
    const [memo, ...more] = Object.getOwnPropertySymbols(group);
    expect(more).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(group, memo)).toMatchObject({
      enumerable: false,
      writable: false,
      configurable: false,
    });
    expect(Object.keys(group)).toEqual(['0', '1']);
    expect(JSON.stringify(group)).toBe(JSON.stringify([...group]));
    expect(usageRecordsCheck(structuredClone(group))).toBeUndefined();
    expect(usageRecordsCheck(group.slice())).toBeUndefined();
    // The fingerprints are made once and kept; an unchecked array's are made on each call.
    expect(usageIdFingerprints(group)).toBe(usageIdFingerprints(group));
    expect(usageIdFingerprints(group)).toEqual(usageIdFingerprints([...group]));
    expect(usageIdFingerprints([...group])).not.toBe(usageIdFingerprints([...group]));
  });

  it('keep the first JSON text given for a group, and none for another array', () => {
    const group = groupOf([usage('a')]);
    expect(keptGroupJson(group)).toBeUndefined();
    const json = { text: JSON.stringify(group), ascii: true };
    keepGroupJson(group, json);
    keepGroupJson(group, { text: '[]', ascii: true });
    expect(keptGroupJson(group)).toBe(json);
    const copy = [...group];
    keepGroupJson(copy, json);
    expect(keptGroupJson(copy)).toBeUndefined();
    expect(Object.getOwnPropertySymbols(copy)).toEqual([]);
  });

  it('hold exactly the four members of a record, in sorted order, whatever order or extras the request had', () => {
    // The canonical JSON of a group is JSON.stringify of it: that needs the members in RFC 8785's (sorted) order.
    expect([...usageRecords.RECORD_KEYS]).toEqual([...usageRecords.RECORD_KEYS].sort());
    const sent = {
      quantity: 2,
      usageId: 'a',
      extra: 'dropped',
      occurredAt: '2026-09-10T12:00:00.000Z',
      service: 'chat-sessions',
    };
    const [checked] = groupOf([sent]);
    expect(Object.keys(checked)).toEqual([...usageRecords.RECORD_KEYS]);
    expect(JSON.stringify(checked)).toBe(
      '{"occurredAt":"2026-09-10T12:00:00.000Z","quantity":2,"service":"chat-sessions","usageId":"a"}',
    );
  });

  it('are not checked record by record again, where an unchecked array is', () => {
    const group = groupOf([usage('a'), usage('b'), usage('c')]);
    // The decider's own calls (sortUsageRecords calls it inside its module, which a spy does not see).
    const checks = jest.spyOn(usageRecords, 'usageRecordProblems');
    expect(decide(record(group))).toMatchObject([{ type: 'MeteredUsageRecorded' }]);
    expect(checks).not.toHaveBeenCalled();
    expect(decide(record([...group]))).toMatchObject([{ type: 'MeteredUsageRecorded' }]);
    expect(checks).toHaveBeenCalledTimes(3);
  });

  it('are checked again when asked as another month, or at an instant before the one they were checked at', () => {
    const group = groupOf([usage('a')]);
    const otherMonth = decide(record(group, CHECKED_AT, '2026-10'));
    expect(isRefusal(otherMonth) && otherMonth.code).toBe('wrong-month');
    // Valid when checked (4 minutes ahead), 6 minutes ahead of a clock that went back 2 minutes.
    const ahead = groupOf([usage('soon', '2026-09-20T08:04:00.000Z')]);
    const earlier = decide(record(ahead, '2026-09-20T07:58:00.000Z'));
    expect(isRefusal(earlier) && earlier.code).toBe('invalid-usage');
  });

  it('are what the event records when none is a duplicate, and a copy without the duplicates otherwise', () => {
    const group = groupOf([usage('a'), usage('b')]);
    const events = decide(record(group));
    if (isRefusal(events) || events[0].type !== 'MeteredUsageRecorded') throw new Error('not recorded');
    expect(events[0].data.records).toBe(group);

    const again = groupOf([usage('b'), usage('c'), usage('c'), usage('d')]);
    const next = decide(record(again), events);
    if (isRefusal(next) || next[0].type !== 'MeteredUsageRecorded') throw new Error('not recorded');
    expect(next[0].data.records).not.toBe(again);
    expect(next[0].data.records.map((one) => one.usageId)).toEqual(['c', 'd']);
  });
});
