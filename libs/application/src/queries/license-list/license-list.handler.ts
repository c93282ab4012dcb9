import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { LicenseListView } from '@app/domain';
import { LEDGER_READ_MODEL, LedgerReadModel } from '../../ports/read-model.ports';
import { ReadYourWrites } from '../read-your-writes';
import { LicenseListQuery } from './license-list.query';

@QueryHandler(LicenseListQuery)
export class LicenseListHandler implements IQueryHandler<LicenseListQuery, LicenseListView | null> {
  constructor(
    @Inject(LEDGER_READ_MODEL) private readonly readModel: LedgerReadModel,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ tenantId, minPosition }: LicenseListQuery): Promise<LicenseListView | null> {
    await this.readYourWrites.reach(['license-list'], minPosition);
    return this.readModel.licenseList(tenantId);
  }
}
