import fc from 'fast-check';
import { calendarInstantMs } from '../src/metering/usage-record';

/**
 * calendarInstantMs reads the instant character by character (batches run it 2,000 times a request); it must accept
 * and answer exactly what the regular expression it replaced did, kept here as the reference.
 */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-](\d{2}):(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function reference(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  const match = ISO_INSTANT.exec(text);
  if (!match) return Number.NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= days &&
    Number(match[4]) <= 23 &&
    Number(match[5]) <= 59 &&
    (match[7] === undefined || Number(match[7]) <= 59) &&
    (match[10] === undefined || (Number(match[10]) <= 23 && Number(match[11]) <= 59));
  return valid ? Date.parse(text) : Number.NaN;
}

const num = (digits: number, max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(digits, '0'));
// Mostly well formed, with fields out of range (month 13, day 31 of a short month, hour 24, 29 February).
const instant = fc
  .tuple(
    num(4, 9999),
    num(2, 13),
    num(2, 32),
    num(2, 25),
    num(2, 60),
    fc.option(fc.tuple(num(2, 61), fc.option(fc.stringMatching(/^\.\d{0,12}$/)))),
    fc.oneof(
      fc.constant('Z'),
      fc.tuple(fc.constantFrom('+', '-'), num(2, 25), num(2, 60)).map((p) => p.join(':')),
    ),
  )
  .map(([y, mo, d, h, mi, s, zone]) => {
    const seconds = s ? `:${s[0]}${s[1] ?? ''}` : '';
    return `${y}-${mo}-${d}T${h}:${mi}${seconds}${zone.replace(/^([+-]):/, '$1')}`;
  });
// ...and then broken: a character replaced, inserted or cut, anywhere.
const mutated = fc
  .tuple(instant, fc.nat(40), fc.constantFrom('', '0', '9', 'x', ':', '-', '.', 'T', 'Z', ' ', '\n', '٣'), fc.nat(2))
  .map(([text, at, char, cut]) => text.slice(0, at) + char + text.slice(at + cut));

describe('calendarInstantMs', () => {
  it('answers what the regular expression answered, for well formed instants and broken ones', () => {
    fc.assert(
      fc.property(fc.oneof(instant, mutated, fc.string()), (text) => {
        expect(calendarInstantMs(text)).toBe(reference(text));
      }),
      { numRuns: 20000 },
    );
  });

  it('reads the forms a record may use, and refuses dates the calendar lacks', () => {
    expect(calendarInstantMs('2026-11-29T10:00Z')).toBe(Date.UTC(2026, 10, 29, 10));
    expect(calendarInstantMs('2026-11-29T10:00:05.123456+01:30')).toBe(Date.parse('2026-11-29T10:00:05.123456+01:30'));
    expect(calendarInstantMs('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    for (const text of ['2026-02-29T00:00:00Z', '2026-04-31T00:00Z', '2026-11-29T24:00Z', '2026-11-29T10:00:00.Z'])
      expect(calendarInstantMs(text)).toBeNaN();
    for (const text of ['2026-11-29T10:00:00', '2026-11-29T10:00:00Z\n', '2026-11-29 10:00Z', 42, null])
      expect(calendarInstantMs(text)).toBeNaN();
  });
});
