import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { MeteringMonthView } from '@app/domain';
import { METERING_READ_MODEL, MeteringReadModel } from '../../ports/read-model.ports';
import { ReadYourWrites } from '../read-your-writes';
import { MeteringMonthsQuery } from './metering-months.query';

@QueryHandler(MeteringMonthsQuery)
export class MeteringMonthsHandler implements IQueryHandler<MeteringMonthsQuery, { months: MeteringMonthView[] }> {
  constructor(
    @Inject(METERING_READ_MODEL) private readonly readModel: MeteringReadModel,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ tenantId, minPosition }: MeteringMonthsQuery): Promise<{ months: MeteringMonthView[] }> {
    await this.readYourWrites.reach(['metering-totals'], minPosition);
    return { months: await this.readModel.months(tenantId) };
  }
}
