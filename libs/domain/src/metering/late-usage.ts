import type { LateOrigin, MonthClosedContext } from './metering.decide';
import type { UsageRecord } from './usage-record';

/**
 * The late-usage policy: usage of a month that is already closed is never lost and never counted twice. The closed
 * month refuses it and says which records it has counted already; the rest walk on to the next month, carrying
 * what the closed month's invoice accounts for, until an open month records them as late usage of their own month
 * (`LateUsageRecorded`), an adjustment on its invoice.
 */

/** Months are closed in the past only, so a walk from a closed month reaches an open one within the months since. */
export const MAX_MONTHS_CARRIED = 120;

export interface CarriedUsage {
  /** The records still to be counted, in the next month. */
  pending: UsageRecord[];
  /** How many of the records the closed month had counted already. */
  duplicates: number;
  /** What the next month is told of the month the records belong to. */
  late: LateOrigin;
}

/**
 * What a closed month hands on to the next: `origin` is the month the records occurred in, `closed` the closed
 * month's refusal, `late` what earlier closed months of the walk handed on (none at the origin itself).
 */
export function carryPastClosedMonth(
  origin: string,
  records: UsageRecord[],
  closed: MonthClosedContext,
  late?: LateOrigin,
): CarriedUsage {
  const counted = new Set(closed.duplicates);
  const pending = records.filter((record) => !counted.has(record.usageId));
  return {
    pending,
    duplicates: records.length - pending.length,
    late: {
      month: origin,
      accounted: { ...late?.accounted, ...closed.accounted },
      thresholds: { ...late?.thresholds, ...closed.thresholds },
    },
  };
}
