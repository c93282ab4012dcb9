import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Page } from '@app/domain';
import { CONSOLE_READ_MODEL, ConsoleReadModel, LEDGER_READ_MODEL, LedgerReadModel } from '../../ports/read-model.ports';
import { ReadYourWrites } from '../read-your-writes';
import { TenantListing, TenantsQuery } from './tenants.query';

@QueryHandler(TenantsQuery)
export class TenantsHandler implements IQueryHandler<TenantsQuery, Page<TenantListing> | null> {
  constructor(
    @Inject(LEDGER_READ_MODEL) private readonly ledger: LedgerReadModel,
    @Inject(CONSOLE_READ_MODEL) private readonly console: ConsoleReadModel,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ page: options, minPosition }: TenantsQuery): Promise<Page<TenantListing> | null> {
    await this.readYourWrites.reach(['status', 'tenant-directory'], minPosition);
    const page = await this.ledger.tenants(options);
    if (page === null) return null;
    // The console's columns, from the tenant directory: who the licensee is and when anything last happened.
    const directory = await this.console.directory(page.items.map((item) => item.tenantId));
    return {
      items: page.items.map((item) => {
        const entry = directory.get(item.tenantId);
        return {
          ...item,
          companyName: entry?.companyName ?? null,
          serialNumber: entry?.serialNumber ?? null,
          lastActivityAt: entry?.lastActivityAt ?? null,
          lastPosition: entry?.lastPosition ?? null,
        };
      }),
      nextCursor: page.nextCursor,
    };
  }
}
