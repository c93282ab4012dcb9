import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '../../ports/clock.port';
import {
  LEDGER_READ_MODEL,
  LedgerReadModel,
  METERING_READ_MODEL,
  MeteringReadModel,
} from '../../ports/read-model.ports';
import { ReadYourWrites } from '../read-your-writes';
import { TenantStatusAnswer, TenantStatusQuery } from './tenant-status.query';

/** Two read models joined: the status projection, and the metering totals of the clock's current month. */
@QueryHandler(TenantStatusQuery)
export class TenantStatusHandler implements IQueryHandler<TenantStatusQuery, TenantStatusAnswer | null> {
  constructor(
    @Inject(LEDGER_READ_MODEL) private readonly ledger: LedgerReadModel,
    @Inject(METERING_READ_MODEL) private readonly metering: MeteringReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ tenantId, minPosition }: TenantStatusQuery): Promise<TenantStatusAnswer | null> {
    await this.readYourWrites.reach(['status', 'metering-totals'], minPosition);
    const status = await this.ledger.status(tenantId);
    if (status === null) return null;
    const { month, services } = await this.metering.month(tenantId, this.clock.now().slice(0, 7));
    return { ...status, metering: { month, services } };
  }
}
