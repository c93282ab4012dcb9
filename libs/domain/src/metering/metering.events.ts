import { CompactIdSet } from '../shared/compact-id-set';
import { addUsage, MeteredService } from './metered-services';
import { usageIdFingerprints, usageRecordsCheck, UsageRecord } from './usage-record';

/**
 * The metering of one tenant in one UTC month (`metering-{tenant}-{yyyy-mm}`): the usage counted, the highest
 * number of users seen, the thresholds crossed, and, once closed, the invoice lines. Usage that arrives after the
 * close of its month is recorded in the next open month as an adjustment of the month it belongs to.
 */

export interface InvoiceLine {
  service: MeteredService;
  unit: string;
  total: number;
  threshold: number;
  overage: number;
  /** On an adjustment line: the closed month whose late usage it carries. */
  adjusts?: string;
}

/** Late usage's effect on the invoice of the month it belongs to. */
export interface Adjustment {
  service: MeteredService;
  /** How much the late records raise that month's total (a level: by how much its maximum rises). */
  total: number;
  /** The closed month's threshold. */
  threshold: number;
  /** How much the late records raise that month's overage. */
  overage: number;
  /** That month's total with every late record known so far: what the next late record is measured against. */
  accounted: number;
}

export type MeteringEvent =
  | {
      type: 'MeteredUsageRecorded';
      data: { tenantId: string; month: string; users: number; records: UsageRecord[]; at: string };
    }
  | {
      type: 'LateUsageRecorded';
      data: {
        tenantId: string;
        month: string;
        adjusts: string;
        records: UsageRecord[];
        adjustments: Adjustment[];
        at: string;
      };
    }
  | {
      type: 'MeteringThresholdExceeded';
      data: {
        tenantId: string;
        month: string;
        service: MeteredService;
        total: number;
        threshold: number;
        users: number;
        at: string;
      };
    }
  | {
      type: 'MeteringMonthClosed';
      data: { tenantId: string; month: string; users: number; lines: InvoiceLine[]; closedAt: string };
    };

export type MeteringEventType = MeteringEvent['type'];
export const METERING_EVENT_TYPES: readonly MeteringEventType[] = [
  'MeteredUsageRecorded',
  'LateUsageRecorded',
  'MeteringThresholdExceeded',
  'MeteringMonthClosed',
];

export interface MeteringState {
  /**
   * Every usage id counted in this stream, its own month's and late ones alike, as 64-bit fingerprints: a month
   * of a million ids costs 16 MB instead of well over 100 (see CompactIdSet for what a fingerprint may confuse).
   */
  usageIds: CompactIdSet;
  /** The highest number of active plan holders seen while usage was recorded. */
  users: number;
  totals: Partial<Record<MeteredService, number>>;
  exceeded: Partial<Record<MeteredService, true>>;
  /** Late usage recorded here, by the month it adjusts and service. */
  adjustments: Record<string, Partial<Record<MeteredService, Adjustment>>>;
  closed: { lines: InvoiceLine[]; users: number; closedAt: string } | null;
}

export function initialMeteringState(): MeteringState {
  return { usageIds: CompactIdSet.empty(), users: 0, totals: {}, exceeded: {}, adjustments: {}, closed: null };
}

/** Folds one event into the state, in place (see evolveLedger for why). */
export function evolveMetering(state: MeteringState, event: MeteringEvent): MeteringState {
  switch (event.type) {
    case 'MeteredUsageRecorded':
      state.users = Math.max(state.users, event.data.users);
      addUsageIds(state.usageIds, event.data.records);
      // Indexed, not for-of: over a frozen group, for-of made an iterator result per record (seen in allocation profiles).
      for (let index = 0; index < event.data.records.length; index++) {
        const { service, quantity } = event.data.records[index];
        state.totals[service] = addUsage(service, state.totals[service] ?? 0, quantity);
      }
      return state;
    case 'LateUsageRecorded': {
      addUsageIds(state.usageIds, event.data.records);
      const adjusted = (state.adjustments[event.data.adjusts] ??= {});
      for (const adjustment of event.data.adjustments) {
        const earlier = adjusted[adjustment.service];
        adjusted[adjustment.service] = earlier
          ? {
              ...adjustment,
              total: earlier.total + adjustment.total,
              overage: earlier.overage + adjustment.overage,
            }
          : { ...adjustment };
      }
      return state;
    }
    case 'MeteringThresholdExceeded':
      state.exceeded[event.data.service] = true;
      return state;
    case 'MeteringMonthClosed':
      state.closed = { lines: event.data.lines, users: event.data.users, closedAt: event.data.closedAt };
      return state;
  }
}

/**
 * Adds the records' usage ids: a checked group's with the fingerprints the decider made of them, all at once (see
 * `CompactIdSet.addEach`); the records of an event read back (a replay) one by one, as they come.
 */
function addUsageIds(usageIds: CompactIdSet, records: readonly UsageRecord[]): void {
  if (usageRecordsCheck(records) !== undefined) {
    usageIds.addEach(usageIdFingerprints(records));
    return;
  }
  for (let index = 0; index < records.length; index++) usageIds.add(records[index].usageId);
}
