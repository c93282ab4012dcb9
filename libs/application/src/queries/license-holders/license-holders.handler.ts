import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { HoldersView } from '@app/domain';
import { LEDGER_READ_MODEL, LedgerReadModel } from '../../ports/read-model.ports';
import { ReadYourWrites } from '../read-your-writes';
import { LicenseHoldersQuery } from './license-holders.query';

@QueryHandler(LicenseHoldersQuery)
export class LicenseHoldersHandler implements IQueryHandler<LicenseHoldersQuery, HoldersView | null> {
  constructor(
    @Inject(LEDGER_READ_MODEL) private readonly readModel: LedgerReadModel,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ tenantId, module, owner, minPosition }: LicenseHoldersQuery): Promise<HoldersView | null> {
    await this.readYourWrites.reach(['license-list'], minPosition);
    return this.readModel.holders(tenantId, module, owner);
  }
}
