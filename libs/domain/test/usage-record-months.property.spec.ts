import fc from 'fast-check';
import { inCalendarMonths, isCalendarMonth, monthOf } from '../src/metering/metered-services';
import { calendarInstantMs, sortUsageRecords, UsageRecord } from '../src/metering/usage-record';

/**
 * Months of usage records, found without writing each record's month out: `inCalendarMonths` answers what
 * `isCalendarMonth(monthOf(...))` answered, and `sortUsageRecords` groups a record with the month `monthOf` names.
 */

const pad = (n: number, digits: number) => String(Math.abs(n)).padStart(digits, '0');
// An instant written in UTC or with an offset, around month boundaries and across the whole four-digit range.
const instantText = fc
  .tuple(
    fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_000 }), // 0000-01-01 to 9999-12-31
    fc.oneof(fc.constant(0), fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 })),
  )
  .map(([ms, offset]) => {
    const shifted = new Date(ms + offset * 60_000).toISOString(); // the local time of that offset
    if (offset === 0) return shifted;
    const sign = offset > 0 ? '+' : '-';
    return `${shifted.slice(0, 23)}${sign}${pad(Math.trunc(offset / 60), 2)}:${pad(offset % 60, 2)}`;
  })
  .filter((text) => !Number.isNaN(calendarInstantMs(text)));

describe('months of usage records', () => {
  it('inCalendarMonths(ms) is isCalendarMonth of the UTC month, for any instant of four-digit years', () => {
    fc.assert(
      fc.property(instantText, (text) => {
        expect(inCalendarMonths(calendarInstantMs(text))).toBe(isCalendarMonth(monthOf(text)));
      }),
      { numRuns: 5000 },
    );
    for (const text of [
      '1969-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00.000Z',
      '1970-01-01T00:30:00+01:00',
      '9999-11-30T23:59:59.999Z',
      '9999-12-01T00:00:00.000Z',
      '9999-12-01T00:30:00+01:00',
    ])
      expect(inCalendarMonths(calendarInstantMs(text))).toBe(isCalendarMonth(monthOf(text)));
  });

  it('groups each record with the month monthOf names, in the order given', () => {
    const record = fc.record({
      usageId: fc.string({ minLength: 1, maxLength: 8 }).filter((id) => id.trim().length > 0),
      service: fc.constant('chat-sessions' as const),
      quantity: fc.constant(1),
      occurredAt: fc.oneof(
        instantText.filter((text) => text >= '1970' && text < '2026-11-29'),
        fc.constantFrom('2026-10-31T23:30:00Z', '2026-10-31T23:30:00-01:00', '2026-11-01T00:30:00+01:00'),
      ),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), (records) => {
        const { byMonth } = sortUsageRecords(records, '2026-11-29T10:00:00Z');
        const expected = new Map<string, UsageRecord[]>();
        for (const one of records) {
          if (Number.isNaN(calendarInstantMs(one.occurredAt)) || !isCalendarMonth(monthOf(one.occurredAt))) continue;
          const month = monthOf(one.occurredAt);
          expected.set(month, [...(expected.get(month) ?? []), one]);
        }
        expect(new Map([...byMonth].map(([month, group]) => [month, [...group]]))).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
