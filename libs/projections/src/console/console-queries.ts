import type { ReadModelStore } from '@app/read-models';
import { PACKAGE_HISTORY, PackageHistoryDocument } from './package-history.projection';
import { TENANT_DIRECTORY, TenantDirectoryDocument } from './tenant-directory.projection';

export type TenantListItem = Omit<TenantDirectoryDocument, 'tenant'> & { tenantId: string };
export type PackageHistoryItem = Omit<PackageHistoryDocument, 'tenant' | 'order'>;

export interface Page<T> {
  items: T[];
  /** Pass it as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** The console's lists: tenants (all of them, by id) and a tenant's packages (newest first). */
export class ConsoleQueries {
  constructor(private readonly readModels: ReadModelStore) {}

  async tenants(options: { limit: number; cursor?: string }): Promise<Page<TenantListItem>> {
    const { items, nextCursor } = await this.readModels.find<TenantDirectoryDocument>(TENANT_DIRECTORY, { limit: options.limit, cursor: options.cursor });
    return {
      items: items.map(({ tenant, companyName, serialNumber, owners, lastActivityAt, lastPosition }) => ({
        tenantId: tenant,
        companyName,
        serialNumber,
        owners,
        lastActivityAt,
        lastPosition,
      })),
      nextCursor: nextCursor ?? null,
    };
  }

  async packages(tenant: string, options: { limit: number; cursor?: string }): Promise<Page<PackageHistoryItem>> {
    const { items, nextCursor } = await this.readModels.find<PackageHistoryDocument>(PACKAGE_HISTORY, {
      filter: { tenant },
      sort: [['order', -1]],
      limit: options.limit,
      cursor: options.cursor,
    });
    return {
      items: items.map(({ outcome, packageId, owner, sequence, at, actor, reasons, companyName, serialNumber, position }) => ({
        outcome,
        packageId,
        owner,
        sequence,
        at,
        actor,
        reasons,
        companyName,
        serialNumber,
        position,
      })),
      nextCursor: nextCursor ?? null,
    };
  }
}
