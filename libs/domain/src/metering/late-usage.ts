import { addUsage, METERED_SERVICES, MeteredService, overageOf } from './metered-services';
import type { LateOrigin, MonthClosedContext } from './metering.decide';
import type { Adjustment, MeteringState } from './metering.events';
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

/** What this (closed) month knows of `origin`'s invoice: its own lines if it is that month, late usage carried in. */
export function accountedFor(
  state: MeteringState,
  origin: string,
  month: string,
): Pick<MonthClosedContext, 'accounted' | 'thresholds'> {
  const accounted: Partial<Record<MeteredService, number>> = {};
  const thresholds: Partial<Record<MeteredService, number>> = {};
  if (origin === month && state.closed) {
    for (const line of state.closed.lines) {
      if (line.adjusts !== undefined) continue;
      accounted[line.service] = line.total;
      thresholds[line.service] = line.threshold;
    }
  }
  for (const [service, adjustment] of Object.entries(state.adjustments[origin] ?? {}) as Array<
    [MeteredService, Adjustment]
  >) {
    accounted[service] = adjustment.accounted;
    thresholds[service] = adjustment.threshold;
  }
  return { accounted, thresholds };
}

/** Per service, how late records raise the total and the overage of the closed month they belong to. */
export function adjustmentsFor(state: MeteringState, late: LateOrigin, records: UsageRecord[]): Adjustment[] {
  const adjustments: Adjustment[] = [];
  for (const service of METERED_SERVICES) {
    const ofService = records.filter((record) => record.service === service);
    if (ofService.length === 0) continue;
    const earlier = state.adjustments[late.month]?.[service];
    const before = earlier?.accounted ?? late.accounted[service] ?? 0;
    const threshold = earlier?.threshold ?? late.thresholds[service] ?? 0;
    const after = ofService.reduce((total, record) => addUsage(service, total, record.quantity), before);
    adjustments.push({
      service,
      total: after - before,
      threshold,
      overage: overageOf(after, threshold) - overageOf(before, threshold),
      accounted: after,
    });
  }
  return adjustments;
}
