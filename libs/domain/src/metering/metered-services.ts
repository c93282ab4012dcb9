/**
 * The metered services of DESIGN.md §2: storage is a level (the month's maximum counts), the others are counts
 * (the month's sum counts). Thresholds grow with the number of users: `base + perUser × users`.
 */

export const METERED_SERVICES = [
  'storage',
  'mailing-emails',
  'customer-centre-logins',
  'chat-sessions',
  'form-submissions',
] as const;

export type MeteredService = (typeof METERED_SERVICES)[number];

export type UsageKind = 'level' | 'count';

export const SERVICE_UNITS: Record<MeteredService, { unit: string; kind: UsageKind }> = {
  storage: { unit: 'GB', kind: 'level' },
  'mailing-emails': { unit: 'emails', kind: 'count' },
  'customer-centre-logins': { unit: 'logins', kind: 'count' },
  'chat-sessions': { unit: 'sessions', kind: 'count' },
  'form-submissions': { unit: 'submissions', kind: 'count' },
};

export interface ThresholdFormula {
  base: number;
  perUser: number;
}

/** Configuration, passed in with each command: the domain reads no files. */
export type MeteringThresholds = Record<MeteredService, ThresholdFormula>;

export function isMeteredService(name: unknown): name is MeteredService {
  return typeof name === 'string' && (METERED_SERVICES as readonly string[]).includes(name);
}

export function thresholdOf(formula: ThresholdFormula, users: number): number {
  return formula.base + formula.perUser * users;
}

/** A service's month total after one more record: a level keeps its maximum, a count adds up. */
export function addUsage(service: MeteredService, total: number, quantity: number): number {
  return SERVICE_UNITS[service].kind === 'level' ? Math.max(total, quantity) : total + quantity;
}

export function overageOf(total: number, threshold: number): number {
  return Math.max(0, total - threshold);
}

/** `yyyy-mm`, the UTC month of a valid ISO-8601 instant. */
export function monthOf(instant: string): string {
  // Most instants are written in UTC already: their month is their first seven characters.
  return instant.endsWith('Z') ? instant.slice(0, 7) : new Date(instant).toISOString().slice(0, 7);
}

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The months metering knows, both ways bounded by the calendar: not before the Unix epoch (no usage is older), and
 * not after 9999-11, the last month whose end (the instant `endOfMonth` names) is still a four-digit ISO-8601 date.
 */
export const FIRST_MONTH = '1970-01';
export const LAST_MONTH = '9999-11';

/** The first instant of FIRST_MONTH, and the first after LAST_MONTH, in epoch milliseconds. */
const FIRST_MONTH_MS = Date.UTC(1970, 0, 1);
const AFTER_LAST_MONTH_MS = Date.UTC(9999, 11, 1);

/**
 * Whether the instant (epoch milliseconds) lies in a month from FIRST_MONTH to LAST_MONTH: `isCalendarMonth` of its
 * UTC month, without writing the month out (a batch asked it for each of a thousand records, a string each).
 */
export function inCalendarMonths(ms: number): boolean {
  return ms >= FIRST_MONTH_MS && ms < AFTER_LAST_MONTH_MS;
}

/** A `yyyy-mm` month between FIRST_MONTH and LAST_MONTH: a month that starts and ends on valid dates. */
export function isCalendarMonth(month: unknown): month is string {
  return typeof month === 'string' && MONTH_PATTERN.test(month) && month >= FIRST_MONTH && month <= LAST_MONTH;
}

/** The largest total a count may reach: beyond it sums are no longer exact (and soon no longer finite). */
export const MAX_COUNT_TOTAL = Number.MAX_SAFE_INTEGER;

/** A total the month may record: finite, and for a count an exact integer. */
export function isRecordableTotal(service: MeteredService, total: number): boolean {
  return SERVICE_UNITS[service].kind === 'count' ? Number.isSafeInteger(total) : Number.isFinite(total);
}

export function nextMonth(month: string): string {
  const [year, mm] = month.split('-').map(Number);
  return mm === 12 ? `${year + 1}-01` : `${year}-${String(mm + 1).padStart(2, '0')}`;
}

/** The first instant after the month, ISO-8601. */
export function endOfMonth(month: string): string {
  return `${nextMonth(month)}-01T00:00:00.000Z`;
}
