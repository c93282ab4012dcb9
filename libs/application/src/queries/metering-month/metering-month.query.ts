import { Query } from '@nestjs/cqrs';
import type { MeteringMonthView } from '@app/domain';
import type { Position } from '@app/event-store';

/** A month's totals against their thresholds (as fixed at the close once closed). */
export class MeteringMonthQuery extends Query<MeteringMonthView> {
  constructor(
    readonly tenantId: string,
    readonly month: string,
    readonly minPosition?: Position,
  ) {
    super();
  }
}
