import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { MeteringMonthView } from '@app/domain';
import { METERING_READ_MODEL, MeteringReadModel } from '../../ports/read-model.ports';
import { ReadYourWrites } from '../read-your-writes';
import { MeteringMonthQuery } from './metering-month.query';

@QueryHandler(MeteringMonthQuery)
export class MeteringMonthHandler implements IQueryHandler<MeteringMonthQuery, MeteringMonthView> {
  constructor(
    @Inject(METERING_READ_MODEL) private readonly readModel: MeteringReadModel,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ tenantId, month, minPosition }: MeteringMonthQuery): Promise<MeteringMonthView> {
    await this.readYourWrites.reach(['metering-totals'], minPosition);
    return this.readModel.month(tenantId, month);
  }
}
