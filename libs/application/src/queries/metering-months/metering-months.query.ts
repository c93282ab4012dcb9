import { Query } from '@nestjs/cqrs';
import type { MeteringMonthView } from '@app/domain';
import type { Position } from '@app/event-store';

/** Every month with usage, oldest first, with its totals against the thresholds. */
export class MeteringMonthsQuery extends Query<{ months: MeteringMonthView[] }> {
  constructor(
    readonly tenantId: string,
    readonly minPosition?: Position,
  ) {
    super();
  }
}
