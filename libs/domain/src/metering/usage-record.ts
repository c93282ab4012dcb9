import { isMeteredService, MeteredService, monthOf } from './metered-services';

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
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The rules every record must meet, whatever the month's state: a known service, a finite quantity above zero
 * (zero allowed for storage, a level), a valid instant no more than 5 minutes after `now`. Answers the reasons;
 * none means the record is valid.
 */
export function usageRecordProblems(record: unknown, now: string): string[] {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return ['a usage record must be an object'];
  const { usageId, service, quantity, occurredAt } = record as Record<string, unknown>;
  const reasons: string[] = [];
  if (typeof usageId !== 'string' || usageId.trim().length === 0 || usageId.length > MAX_USAGE_ID_LENGTH) {
    reasons.push(`usageId must be a non-empty string of at most ${MAX_USAGE_ID_LENGTH} characters`);
  }
  if (!isMeteredService(service)) reasons.push(`service '${String(service)}' is not a metered service`);
  if (typeof quantity !== 'number' || !Number.isFinite(quantity)) reasons.push('quantity must be a finite number');
  else if (quantity < 0 || (quantity === 0 && service !== 'storage')) {
    reasons.push(service === 'storage' ? 'quantity must not be negative' : 'quantity must be above zero');
  }
  const at = typeof occurredAt === 'string' && ISO_INSTANT.test(occurredAt) ? Date.parse(occurredAt) : Number.NaN;
  if (Number.isNaN(at)) reasons.push('occurredAt must be an ISO-8601 instant with a time zone');
  else if (at > Date.parse(now) + MAX_CLOCK_SKEW_MS) reasons.push('occurredAt lies more than 5 minutes in the future');
  return reasons;
}

/** Splits a request's records into the valid ones, grouped by the UTC month they occurred in, and the problems. */
export function sortUsageRecords(records: unknown[], now: string): { byMonth: Map<string, UsageRecord[]>; problems: UsageRecordProblem[] } {
  const byMonth = new Map<string, UsageRecord[]>();
  const problems: UsageRecordProblem[] = [];
  records.forEach((record, index) => {
    const reasons = usageRecordProblems(record, now);
    if (reasons.length > 0) {
      const usageId = (record as { usageId?: unknown } | null)?.usageId;
      problems.push({ index, usageId: typeof usageId === 'string' ? usageId : null, reasons });
      return;
    }
    const { usageId, service, quantity, occurredAt } = record as UsageRecord;
    const month = monthOf(occurredAt);
    const group = byMonth.get(month) ?? [];
    group.push({ usageId, service, quantity, occurredAt });
    byMonth.set(month, group);
  });
  return { byMonth, problems };
}
