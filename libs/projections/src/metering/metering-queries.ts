import {
  METERED_SERVICES,
  MeteringMonthView,
  MeteringThresholds,
  overageOf,
  SERVICE_UNITS,
  thresholdOf,
} from '@app/domain';
import type { ReadModelStore } from '@app/read-models';
import { METERING_MONTHS, meteringMonthId, MeteringMonthDocument } from './metering-totals.projection';

export type { MeteringMonthView } from '@app/domain';

/** The month's figures: as fixed at the close, or, while it is open, the totals so far against today's thresholds. */
export class MeteringQueries {
  constructor(
    private readonly readModels: ReadModelStore,
    private readonly thresholds: MeteringThresholds,
  ) {}

  async month(tenant: string, month: string): Promise<MeteringMonthView> {
    return this.view(
      month,
      await this.readModels.get<MeteringMonthDocument>(METERING_MONTHS, meteringMonthId(tenant, month)),
    );
  }

  /** Every month with usage, oldest first (ids are `tenant|yyyy-mm`, so the id prefix is the tenant's range, in order). */
  async months(tenant: string): Promise<MeteringMonthView[]> {
    const { items } = await this.readModels.find<MeteringMonthDocument>(METERING_MONTHS, { idPrefix: `${tenant}|` });
    return items.map((document) => this.view(document.month, document));
  }

  private view(month: string, document: MeteringMonthDocument | null): MeteringMonthView {
    if (document?.lines) {
      return {
        month,
        users: document.users,
        closed: true,
        services: document.lines.filter((line) => line.adjusts === undefined),
        adjustments: document.lines.filter((line) => line.adjusts !== undefined),
      };
    }
    const users = document?.users ?? 0;
    const services = METERED_SERVICES.map((service) => {
      const total = document?.totals[service] ?? 0;
      const threshold = thresholdOf(this.thresholds[service], users);
      return { service, unit: SERVICE_UNITS[service].unit, total, threshold, overage: overageOf(total, threshold) };
    });
    const adjustments = Object.entries(document?.adjustments ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([adjusts, byService]) =>
        METERED_SERVICES.filter((service) => byService[service]).map((service) => ({
          service,
          unit: SERVICE_UNITS[service].unit,
          ...byService[service]!,
          adjusts,
        })),
      );
    return { month, users, closed: false, services, adjustments };
  }
}
