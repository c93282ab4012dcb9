import fc from 'fast-check';
import { METERED_SERVICES, sortUsageRecords, UsageRecord } from '@app/domain';
import { isVouchedJsonSafe } from '@app/event-store';
import { checkedGroupText, VOUCH_FROM_RECORDS, writeRecordGroup } from '../src/record-group-text';

/**
 * A checked group's text is written by hand (record by record, what needs no escaping as it is): it must be what
 * JSON.stringify writes for the group, byte for byte, for any record the checks let through.
 */

const NOW = '2026-11-29T10:00:00.000Z';
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const anyString = fc.string({ unit: fc.oneof(codeUnit, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) });
const aRecord = fc.record({
  usageId: anyString,
  service: fc.constantFrom(...METERED_SERVICES),
  quantity: fc.oneof(
    fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: 0 }),
    fc.constantFrom(-0, 1e21, 1e-7, 5e-324, 2 ** 53 - 1, 0.1 + 0.2),
  ),
  occurredAt: fc.constantFrom(
    '2026-11-29T09:00:00.000Z',
    '2026-11-01T00:30:00-01:00',
    '2026-11-15T12:00Z',
    '2026-11-15T12:00:00.123456+01:00',
    '2026-11-15T12:00:00.1Z',
  ),
});

const groupsOf = (records: UsageRecord[]): UsageRecord[][] => [...sortUsageRecords(records, NOW).byMonth.values()];

describe('a checked group text', () => {
  it('is JSON.stringify of the group, for any records the checks let through', () => {
    fc.assert(
      fc.property(fc.array(aRecord, { maxLength: 30 }), (records) => {
        for (const group of groupsOf(records)) {
          expect(writeRecordGroup(group).text).toBe(JSON.stringify(group));
          expect(checkedGroupText(group)).toBe(JSON.stringify(group));
          // Vouched for to the store's committed tail (a group of VOUCH_FROM_RECORDS or more), which then hands it
          // out unwalked: it must read back as itself (toEqual tells -0 from 0; a -0 quantity is checked in as 0),
          // its records' keys in their order.
          expect(isVouchedJsonSafe(group)).toBe(group.length >= VOUCH_FROM_RECORDS);
          const readBack = JSON.parse(JSON.stringify(group)) as UsageRecord[];
          expect(readBack).toEqual(group);
          expect(readBack.map((record) => Object.keys(record))).toEqual(group.map((record) => Object.keys(record)));
          expect(Object.isFrozen(group) && group.every((record) => Object.isFrozen(record))).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('is made once per group, and only for checked groups', () => {
    const [group] = groupsOf([{ usageId: 'a', service: 'storage', quantity: -0, occurredAt: NOW }]);
    expect(writeRecordGroup(group)).toBe(writeRecordGroup(group));
    expect(writeRecordGroup(group)).toEqual({ text: JSON.stringify(group), ascii: true });
    expect(checkedGroupText([...group])).toBeUndefined();
    expect(isVouchedJsonSafe([...group])).toBe(false);
    const [other] = groupsOf([{ usageId: 'é', service: 'storage', quantity: 1, occurredAt: NOW }]);
    expect(writeRecordGroup(other).ascii).toBe(false);
  });
});
