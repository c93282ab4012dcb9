import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { UserLicensesView } from '@app/domain';
import { LEDGER_READ_MODEL, LedgerReadModel } from '../../ports/read-model.ports';
import { ReadYourWrites } from '../read-your-writes';
import { UserLicensesQuery } from './user-licenses.query';

@QueryHandler(UserLicensesQuery)
export class UserLicensesHandler implements IQueryHandler<UserLicensesQuery, UserLicensesView> {
  constructor(
    @Inject(LEDGER_READ_MODEL) private readonly readModel: LedgerReadModel,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ tenantId, userId, owner, minPosition }: UserLicensesQuery): Promise<UserLicensesView> {
    await this.readYourWrites.reach(['user-licenses'], minPosition);
    return this.readModel.userLicenses(tenantId, userId, owner);
  }
}
