import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { PackageHistoryEntry, Page } from '@app/domain';
import { CONSOLE_READ_MODEL, ConsoleReadModel } from '../../ports/read-model.ports';
import { ReadYourWrites } from '../read-your-writes';
import { PackageHistoryQuery } from './package-history.query';

@QueryHandler(PackageHistoryQuery)
export class PackageHistoryHandler implements IQueryHandler<PackageHistoryQuery, Page<PackageHistoryEntry> | null> {
  constructor(
    @Inject(CONSOLE_READ_MODEL) private readonly readModel: ConsoleReadModel,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ tenantId, page, minPosition }: PackageHistoryQuery): Promise<Page<PackageHistoryEntry> | null> {
    await this.readYourWrites.reach(['package-history'], minPosition);
    return this.readModel.packages(tenantId, page);
  }
}
