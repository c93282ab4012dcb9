import { CompactIdSet } from '../shared/compact-id-set';
import { CommandMetadata, NoContext, refuse, Refusal } from '../shared/decider';
import {
  addUsage,
  endOfMonth,
  FIRST_MONTH,
  isCalendarMonth,
  isRecordableTotal,
  LAST_MONTH,
  METERED_SERVICES,
  MeteredService,
  MeteringThresholds,
  monthOf,
  overageOf,
  SERVICE_UNITS,
  thresholdOf,
} from './metered-services';
import type { InvoiceLine, MeteringEvent, MeteringState } from './metering.events';
import { accountedFor, adjustmentsFor } from './late-usage';
import { usageIdFingerprints, usageRecordProblems, usageRecordsCheck, UsageRecord } from './usage-record';

/** Outside facts that come with metering commands, like the time: the domain reads neither ledger nor config. */
export interface CloseFacts extends CommandMetadata {
  thresholds: MeteringThresholds;
  /** When the tenant's first license package was activated (read from the ledger); null: the tenant is unknown. */
  tenantSince: string | null;
}

export interface MeteringFacts extends CloseFacts {
  /** Active users holding a plan right now (counting method 2), read from the ledger. */
  activeUsers: number;
}

/** Where late records come from: their closed month, and what that month's invoice already accounts for. */
export interface LateOrigin {
  month: string;
  /** Per service, the closed month's total including late usage already carried elsewhere. */
  accounted: Partial<Record<MeteredService, number>>;
  /** The closed month's thresholds, from its invoice lines. */
  thresholds: Partial<Record<MeteredService, number>>;
}

export type MeteringCommand =
  | {
      type: 'RecordMeteredUsage';
      /** `late`: the records belong to an earlier, closed month and are carried into this one. */
      data: { tenantId: string; month: string; records: UsageRecord[]; late?: LateOrigin };
      metadata: MeteringFacts;
    }
  | { type: 'CloseMeteringMonth'; data: { tenantId: string; month: string }; metadata: CloseFacts };

/** Every refusal of a metering month, one member per code with the context its answer carries. */
export type MeteringRefusal =
  | Refusal<'invalid-usage', { usageId: string; reasons: string[] }>
  | Refusal<'wrong-month', { usageId: string }>
  | Refusal<'month-closed', MonthClosedContext>
  | Refusal<'month-not-ended', { month: string }>
  | Refusal<'usage-overflow', { service: string }>
  | Refusal<'invalid-month', { month: string }>
  | Refusal<'unknown-tenant', { month: string } | NoContext>;

export type MeteringRefusalCode = MeteringRefusal['code'];

/** What a closed month tells the handler that carries late records on to the next month. */
export interface MonthClosedContext {
  month: string;
  /** Usage ids among the records that this month has counted already (repeats within the command are not named). */
  duplicates: string[];
  accounted: Partial<Record<MeteredService, number>>;
  thresholds: Partial<Record<MeteredService, number>>;
}

export function decideMetering(command: MeteringCommand, state: MeteringState): MeteringEvent[] | MeteringRefusal {
  switch (command.type) {
    case 'RecordMeteredUsage':
      return decideRecord(command.data, command.metadata, state);
    case 'CloseMeteringMonth':
      return decideClose(command.data, command.metadata, state);
  }
}

function decideRecord(
  { tenantId, month, records, late }: Extract<MeteringCommand, { type: 'RecordMeteredUsage' }>['data'],
  facts: MeteringFacts,
  state: MeteringState,
): MeteringEvent[] | MeteringRefusal {
  if (facts.tenantSince === null) return unknownTenant();
  const origin = late?.month ?? month;
  const now = Date.parse(facts.now); // once, not per record
  const invalid = invalidRecord(records, origin, now);
  if (invalid) return invalid;
  const { fresh } = splitDuplicates(records, state);
  if (fresh.length === 0) return [];
  if (state.closed) {
    const known = records.filter((record) => state.usageIds.has(record.usageId)).map((record) => record.usageId);
    const context: MonthClosedContext = { month, duplicates: known, ...accountedFor(state, origin, month) };
    return refuse('month-closed', `metering month ${month} is closed`, context);
  }
  if (late) {
    const adjustments = adjustmentsFor(state, late, fresh);
    const overflow = overflowOf(
      Object.fromEntries(adjustments.map((adjustment) => [adjustment.service, adjustment.accounted])),
    );
    if (overflow) return overflow;
    return [
      {
        type: 'LateUsageRecorded',
        data: { tenantId, month, adjusts: late.month, records: fresh, adjustments, at: facts.now },
      },
    ];
  }

  const users = Math.max(state.users, facts.activeUsers);
  const events: MeteringEvent[] = [
    { type: 'MeteredUsageRecorded', data: { tenantId, month, users, records: fresh, at: facts.now } },
  ];
  const totals = { ...state.totals };
  // Indexed, not for-of: over a frozen group, for-of made an iterator result per record (seen in allocation profiles).
  for (let index = 0; index < fresh.length; index++) {
    const { service, quantity } = fresh[index];
    totals[service] = addUsage(service, totals[service] ?? 0, quantity);
  }
  const overflow = overflowOf(totals);
  if (overflow) return overflow;
  for (const service of METERED_SERVICES) {
    const total = totals[service];
    if (total === undefined || total === state.totals[service] || state.exceeded[service]) continue;
    const threshold = thresholdOf(facts.thresholds[service], users);
    if (total > threshold)
      events.push({
        type: 'MeteringThresholdExceeded',
        data: { tenantId, month, service, total, threshold, users, at: facts.now },
      });
  }
  return events;
}

/**
 * The first record that breaks a rule, or lies outside `origin`, as a refusal. A group that `sortUsageRecords`
 * checked and froze, all of `origin` and checked no later than `now`, holds the rules still (a later now only
 * widens the 5-minute window): its records are not checked one by one again.
 */
function invalidRecord(records: UsageRecord[], origin: string, now: number): MeteringRefusal | undefined {
  const checked = usageRecordsCheck(records);
  if (checked !== undefined && checked.month === origin && checked.nowMs <= now) return undefined;
  for (const record of records) {
    const reasons = usageRecordProblems(record, now);
    if (reasons.length > 0)
      return refuse('invalid-usage', `usage ${record.usageId}: ${reasons.join('; ')}`, {
        usageId: record.usageId,
        reasons: [...reasons],
      });
    if (monthOf(record.occurredAt) !== origin) {
      return refuse(
        'wrong-month',
        `usage ${record.usageId} occurred in ${monthOf(record.occurredAt)}, not in ${origin}`,
        { usageId: record.usageId },
      );
    }
  }
  return undefined;
}

function decideClose(
  { tenantId, month }: Extract<MeteringCommand, { type: 'CloseMeteringMonth' }>['data'],
  facts: CloseFacts,
  state: MeteringState,
): MeteringEvent[] | MeteringRefusal {
  if (!isCalendarMonth(month))
    return refuse('invalid-month', `${month} is not a month from ${FIRST_MONTH} to ${LAST_MONTH}`, { month });
  if (state.closed) return [];
  if (facts.tenantSince === null) return unknownTenant();
  // A month that ended before the tenant's first package, and that counted nothing, is not a month of this tenant.
  const counted = state.usageIds.size > 0 || Object.keys(state.adjustments).length > 0;
  if (!counted && Date.parse(endOfMonth(month)) <= Date.parse(facts.tenantSince)) {
    return refuse(
      'unknown-tenant',
      `the tenant did not exist in ${month}: its first license package was activated at ${facts.tenantSince}`,
      { month },
    );
  }
  if (Date.parse(facts.now) < Date.parse(endOfMonth(month))) {
    return refuse(
      'month-not-ended',
      `metering month ${month} has not ended yet; it can be closed from ${endOfMonth(month)}`,
      { month },
    );
  }
  const lines: InvoiceLine[] = METERED_SERVICES.map((service) => {
    const total = state.totals[service] ?? 0;
    const threshold = thresholdOf(facts.thresholds[service], state.users);
    return { service, unit: SERVICE_UNITS[service].unit, total, threshold, overage: overageOf(total, threshold) };
  });
  for (const [adjusts, byService] of Object.entries(state.adjustments).sort(([a], [b]) => a.localeCompare(b))) {
    for (const service of METERED_SERVICES) {
      const adjustment = byService[service];
      if (!adjustment) continue;
      lines.push({
        service,
        unit: SERVICE_UNITS[service].unit,
        total: adjustment.total,
        threshold: adjustment.threshold,
        overage: adjustment.overage,
        adjusts,
      });
    }
  }
  return [{ type: 'MeteringMonthClosed', data: { tenantId, month, users: state.users, lines, closedAt: facts.now } }];
}

function unknownTenant(): MeteringRefusal {
  return refuse('unknown-tenant', 'no license package has been activated for this tenant');
}

/** Totals (and every number derived from them) stay finite and, for counts, exact: refuse what would overflow. */
function overflowOf(totals: Partial<Record<MeteredService, number>>): MeteringRefusal | undefined {
  for (const service of METERED_SERVICES) {
    const total = totals[service];
    if (total !== undefined && !isRecordableTotal(service, total)) {
      return refuse(
        'usage-overflow',
        `the records would take the month's total of ${service} beyond what can be recorded exactly`,
        { service },
      );
    }
  }
  return undefined;
}

/**
 * Records whose usage id this month has counted, or that repeat an earlier record of the same command. Without
 * any, `fresh` is `records` itself, not a copy: the event then carries the command's (frozen, checked) group, whose
 * canonical JSON the command hash already made (see canonical-json.ts in the application layer), and whose ids'
 * fingerprints, made here once, the evolve that records it adds (`usageIdFingerprints`).
 */
function splitDuplicates(records: UsageRecord[], state: MeteringState): { fresh: UsageRecord[]; duplicates: string[] } {
  // A single record repeats nothing of its own command: only the month's set is asked (no table made for it).
  if (records.length === 1)
    return state.usageIds.has(records[0].usageId)
      ? { fresh: [], duplicates: [records[0].usageId] }
      : { fresh: records, duplicates: [] };
  const fingerprints = usageIdFingerprints(records);
  // The month's set asked for all records at once: its cold slots are fetched side by side (see `hasEach`).
  const counted = state.usageIds.hasEach(fingerprints);
  const seen = CompactIdSet.empty(records.length);
  let firstRepeat = -1;
  for (let index = 0; index < records.length; index++) {
    // Fingerprints, like the month's own set: a repeat within the command is taken with the same (tiny) chance.
    if (counted[index] === 1 || !seen.addFingerprintAt(fingerprints, index)) {
      firstRepeat = index;
      break;
    }
  }
  if (firstRepeat < 0) return { fresh: records, duplicates: [] };
  const fresh = records.slice(0, firstRepeat);
  const duplicates = [records[firstRepeat].usageId];
  for (let index = firstRepeat + 1; index < records.length; index++) {
    if (counted[index] === 1 || !seen.addFingerprintAt(fingerprints, index)) duplicates.push(records[index].usageId);
    else fresh.push(records[index]);
  }
  return { fresh, duplicates };
}

/** How a command's records counted, from the events it recorded: accepted, or duplicates of usage already counted. */
export function usageOutcome(
  records: UsageRecord[],
  events: MeteringEvent[],
): { accepted: number; duplicates: number } {
  let accepted = 0;
  for (const event of events)
    if (event.type === 'MeteredUsageRecorded' || event.type === 'LateUsageRecorded')
      accepted += event.data.records.length;
  return { accepted, duplicates: records.length - accepted };
}
