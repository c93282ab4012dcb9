import {
  FIRST_MONTH,
  inCalendarMonths,
  METERED_SERVICES,
  MAX_COUNT_TOTAL,
  MeteredService,
  monthOf,
  SERVICE_UNITS,
  UsageKind,
} from './metered-services';
import { calendarInstantMs, isCalendarInstant } from '../shared/calendar-instant';
import { fingerprintsOf } from '../shared/compact-id-set';

export { calendarInstantMs, isCalendarInstant };

/** One usage record as a product service reports it; `usageId` is chosen by the client and never counts twice. */
export interface UsageRecord {
  usageId: string;
  service: MeteredService;
  quantity: number;
  occurredAt: string;
}

export interface UsageRecordProblem {
  /** Position of the record in the request. */
  index: number;
  usageId: string | null;
  reasons: string[];
}

/** How far in the future `occurredAt` may lie: clocks of the reporting services drift a little. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const MAX_USAGE_ID_LENGTH = 128;

/**
 * The rules every record must meet, whatever the month's state: a known service, a finite quantity above zero
 * (zero allowed for storage, a level), a valid instant no more than 5 minutes after `now`. Answers the reasons;
 * none means the record is valid: then the one shared, frozen empty list (a batch's thousand valid records made a
 * thousand empty arrays for the collector).
 */
export function usageRecordProblems(record: unknown, now: string | number): readonly string[] {
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return ['a usage record must be an object'];
  const { usageId, service, quantity, occurredAt } = record as Record<string, unknown>;
  let reasons: string[] | undefined; // made at the first problem
  if (typeof usageId !== 'string' || usageId.trim().length === 0 || usageId.length > MAX_USAGE_ID_LENGTH) {
    (reasons ??= []).push(`usageId must be a non-empty string of at most ${MAX_USAGE_ID_LENGTH} characters`);
  }
  // One lookup for both questions (is it a service, is it a count): `isMeteredService` then SERVICE_UNITS[service]
  // compared the name with each service, twice, then looked it up (~60 µs of a batch of 1,000).
  const kind = typeof service === 'string' ? SERVICE_KINDS.get(service) : undefined;
  if (kind === undefined) (reasons ??= []).push(`service '${String(service)}' is not a metered service`);
  if (typeof quantity !== 'number' || !Number.isFinite(quantity))
    (reasons ??= []).push('quantity must be a finite number');
  else if (quantity < 0 || (quantity === 0 && service !== 'storage')) {
    (reasons ??= []).push(service === 'storage' ? 'quantity must not be negative' : 'quantity must be above zero');
  } else if (kind === 'count' && !Number.isSafeInteger(quantity)) {
    // Counts are whole things (sessions, e-mails, logins, submissions), and sums of them must stay exact.
    (reasons ??= []).push(`quantity of ${String(service)} is a count: a whole number of at most ${MAX_COUNT_TOTAL}`);
  }
  const at = calendarInstantMs(occurredAt);
  if (Number.isNaN(at))
    (reasons ??= []).push('occurredAt must be an ISO-8601 instant with a time zone, on a date the calendar has');
  else if (at > (typeof now === 'number' ? now : Date.parse(now)) + MAX_CLOCK_SKEW_MS)
    (reasons ??= []).push('occurredAt lies more than 5 minutes in the future');
  else if (!inCalendarMonths(at)) (reasons ??= []).push(`occurredAt lies before ${FIRST_MONTH}`);
  return reasons ?? NO_PROBLEMS;
}

/** Each metered service's kind, by name (`SERVICE_UNITS`): undefined for any other name. */
const SERVICE_KINDS: ReadonlyMap<string, UsageKind> = new Map(
  METERED_SERVICES.map((service) => [service, SERVICE_UNITS[service].kind]),
);

/** Each metered service's name, by an equal name. */
const SERVICE_NAMES: ReadonlyMap<string, MeteredService> = new Map(
  METERED_SERVICES.map((service) => [service, service]),
);

/** What `usageRecordProblems` answers for a valid record: one list for all, frozen so no caller can add to it. */
export const NO_PROBLEMS: readonly string[] = Object.freeze([]);

/** What a group of records from `sortUsageRecords` was checked against: all occurred in `month`, none after `nowMs`. */
export interface UsageRecordsCheck {
  month: string;
  nowMs: number;
}

/**
 * The groups `sortUsageRecords` made, validated and froze. A group is frozen, and so is each record in it, a literal
 * of four validated primitives built here (strings and a finite number, never -0, so that a group round-trips through
 * JSON as itself): neither can change after the check, so the check holds for as long as
 * the group lives. The decider then need not check each record again, and canonical JSON may keep a group's text.
 * Each record's members are in sorted order (`RECORD_KEYS`), the order RFC 8785 writes them in, so that
 * JSON.stringify of a checked group is its canonical JSON, written by V8 in one pass instead of a string per record.
 *
 * What is known of a checked group, and what is derived from it once, is kept on the group itself: a member keyed by
 * a symbol of this module's, not enumerable, defined before the group is frozen (so JSON, structured clone, Object.keys
 * and a copy of the group leave it out, and no other code can name it). Why not weak maps keyed by the group, as it
 * was (issue 15, goal 4): a single usage record made a group, and every group entered three weak maps and the store's
 * weak set (`vouchJsonSafe`); a fresh key that dies young costs ~0.85 µs per insert, the collector's work on the dead
 * entry included (measured on 1M short-lived one-record groups): ~3 µs of a single record's ~45 µs on the command
 * path in-process.
 */
const MEMO = Symbol('checked usage records');

interface GroupMemo {
  readonly check: UsageRecordsCheck;
  fingerprints?: Uint32Array;
  json?: GroupJson;
}

/**
 * A checked group's JSON text, JSON.stringify's (and so its canonical JSON, see above), kept on the group by whoever
 * writes it first: the command hash, the chain hash and the stored event then share one text. `ascii`: every
 * character is below 0x80, so the text's UTF-8 bytes are its Latin-1 bytes.
 */
export interface GroupJson {
  text: string;
  ascii: boolean;
}

function memoOf(records: readonly UsageRecord[]): GroupMemo | undefined {
  return (records as readonly UsageRecord[] & { [MEMO]?: GroupMemo })[MEMO];
}

/** The members of a record of a checked group, in the order they were made in: sorted by UTF-16 code units. */
export const RECORD_KEYS = ['occurredAt', 'quantity', 'service', 'usageId'] as const;

/** The check a group of records passed, if `sortUsageRecords` made it (undefined for any other array). */
export function usageRecordsCheck(records: readonly UsageRecord[]): UsageRecordsCheck | undefined {
  return memoOf(records)?.check;
}

/** A checked group's JSON text if it was kept (`keepGroupJson`); undefined before, and for any other array. */
export function keptGroupJson(records: readonly UsageRecord[]): GroupJson | undefined {
  return memoOf(records)?.json;
}

/**
 * Keeps a checked group's JSON text on it, for the group's later readers; the caller vouches that it is
 * JSON.stringify(records). A group keeps the first text given; any other array keeps none.
 */
export function keepGroupJson(records: readonly UsageRecord[], json: GroupJson): void {
  const memo = memoOf(records);
  if (memo !== undefined) memo.json ??= json;
}

/**
 * The fingerprints of the records' usage ids (`fingerprintsOf`, for a month's CompactIdSet). A checked group's are
 * made once and kept on it (it is frozen, so are its ids): the decider asks the month's set with them and the
 * evolve that records the group adds them, where each hashed every id again. Callers only read them.
 */
export function usageIdFingerprints(records: readonly UsageRecord[]): Uint32Array {
  const memo = memoOf(records);
  const made = () => fingerprintsOf(records.length, (index) => records[index].usageId);
  return memo === undefined ? made() : (memo.fingerprints ??= made());
}

/**
 * Splits a request's records into the valid ones, grouped by the UTC month they occurred in, and the problems.
 * The groups and their records are frozen copies (see `usageRecordsCheck`).
 */
export function sortUsageRecords(
  records: unknown[],
  now: string,
): { byMonth: Map<string, UsageRecord[]>; problems: UsageRecordProblem[] } {
  const byMonth = new Map<string, UsageRecord[]>();
  const problems: UsageRecordProblem[] = [];
  const nowMs = Date.parse(now);
  let group: UsageRecord[] | undefined;
  let groupMonth = '';
  records.forEach((record, index) => {
    const reasons = usageRecordProblems(record, nowMs);
    if (reasons.length > 0) {
      const usageId = (record as { usageId?: unknown } | null)?.usageId;
      problems.push({ index, usageId: typeof usageId === 'string' ? usageId : null, reasons: [...reasons] });
      return;
    }
    const { usageId, service, quantity, occurredAt } = record as UsageRecord;
    // A batch's records mostly share a month: a UTC instant of the current group's month is known without writing
    // its month out (monthOf's slice, a string per record), and the group is looked up only when the month changes.
    const sameMonth = group !== undefined && occurredAt.endsWith('Z') && occurredAt.startsWith(groupMonth);
    if (group === undefined || !sameMonth) {
      const month = monthOf(occurredAt);
      group = byMonth.get(month);
      if (group === undefined) {
        group = [];
        byMonth.set(month, group);
      }
      groupMonth = month;
    }
    // Members in sorted order (`RECORD_KEYS`): JSON.stringify of a group then writes its canonical JSON.
    // The service as our own constant, not the request's copy of its name: a batch's records then keep one string
    // for it instead of a thousand (records outlive a few collections in the store's recent commits and caches).
    // A quantity of -0 (storage may be zero) as 0, what JSON writes and reads back: a checked record round-trips.
    const amount = quantity === 0 ? 0 : quantity;
    group.push(
      Object.freeze({ occurredAt, quantity: amount, service: SERVICE_NAMES.get(service) ?? service, usageId }),
    );
  });
  for (const [month, ofMonth] of byMonth) {
    const memo: GroupMemo = { check: { month, nowMs } };
    Object.defineProperty(ofMonth, MEMO, { value: memo });
    Object.freeze(ofMonth);
  }
  return { byMonth, problems };
}
