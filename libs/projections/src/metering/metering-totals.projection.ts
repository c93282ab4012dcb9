import { addUsage, decodeMeteringEvent, InvoiceLine, MeteredService, MeteringEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { decodedOnce } from '../decoded-once';
import type { BatchDocuments, Projection } from '../projection';

export const METERING_MONTHS = 'metering_months';

/** Keyed `tenant|yyyy-mm`. Thresholds are configuration: queries apply them to `users` while the month is open. */
export interface MeteringMonthDocument {
  [field: string]: unknown;
  tenant: string;
  month: string;
  users: number;
  totals: Partial<Record<MeteredService, number>>;
  /** Late usage recorded in this month, by the month it adjusts and service. */
  adjustments: Record<string, Partial<Record<MeteredService, { total: number; threshold: number; overage: number }>>>;
  exceeded: Partial<Record<MeteredService, { total: number; threshold: number; at: string }>>;
  /** The invoice lines fixed at the close; null while the month is open. */
  lines: InvoiceLine[] | null;
}

export const meteringMonthId = (tenant: string, month: string) => `${tenant}|${month}`;

const asMeteringEvent: (event: RecordedEvent) => MeteringEvent = decodedOnce(decodeMeteringEvent);

/** The monthly totals of each tenant: usage per service, users seen, thresholds crossed, the invoice once closed. */
export const meteringTotalsProjection: Projection = {
  name: 'metering-totals',
  collections: { [METERING_MONTHS]: [] },
  eventTypes: ['MeteredUsageRecorded', 'LateUsageRecorded', 'MeteringThresholdExceeded', 'MeteringMonthClosed'],

  documentsFor(recorded: RecordedEvent): Array<[string, string]> {
    const { tenantId, month } = asMeteringEvent(recorded).data;
    return [[METERING_MONTHS, meteringMonthId(tenantId, month)]];
  },

  apply(recorded: RecordedEvent, documents: BatchDocuments): void {
    const event = asMeteringEvent(recorded);
    const { tenantId, month } = event.data;
    const id = meteringMonthId(tenantId, month);
    const document = documents.get<MeteringMonthDocument>(METERING_MONTHS, id) ?? {
      tenant: tenantId,
      month,
      users: 0,
      totals: {},
      adjustments: {},
      exceeded: {},
      lines: null,
    };
    switch (event.type) {
      case 'MeteredUsageRecorded':
        document.users = Math.max(document.users, event.data.users);
        for (const { service, quantity } of event.data.records)
          document.totals[service] = addUsage(service, document.totals[service] ?? 0, quantity);
        break;
      case 'LateUsageRecorded': {
        const adjusted = (document.adjustments[event.data.adjusts] ??= {});
        for (const { service, total, threshold, overage } of event.data.adjustments) {
          const earlier = adjusted[service];
          adjusted[service] = {
            total: (earlier?.total ?? 0) + total,
            threshold,
            overage: (earlier?.overage ?? 0) + overage,
          };
        }
        break;
      }
      case 'MeteringThresholdExceeded':
        document.exceeded[event.data.service] = {
          total: event.data.total,
          threshold: event.data.threshold,
          at: event.data.at,
        };
        break;
      case 'MeteringMonthClosed':
        document.users = event.data.users;
        document.lines = event.data.lines;
        break;
    }
    documents.put(METERING_MONTHS, id, document);
  },
};
