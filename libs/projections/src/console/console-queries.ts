import type { Page, PackageHistoryEntry } from '@app/domain';
import { type FindResult, InvalidCursorError, type ReadModelStore } from '@app/read-models';
import { PACKAGE_HISTORY, PackageHistoryDocument } from './package-history.projection';
import { TENANT_DIRECTORY, TenantDirectoryDocument } from './tenant-directory.projection';

export type { Page } from '@app/domain';
export type PackageHistoryItem = PackageHistoryEntry;

/** The console's reads: the tenant directory (joined into `GET /v1/tenants`) and a tenant's packages (newest first). */
export class ConsoleQueries {
  constructor(private readonly readModels: ReadModelStore) {}

  /** The directory entries of these tenants (licensee, last activity), by tenant id; one round trip. */
  async directory(tenantIds: string[]): Promise<Map<string, TenantDirectoryDocument>> {
    return this.readModels.getMany<TenantDirectoryDocument>(TENANT_DIRECTORY, tenantIds);
  }

  /** Newest first; null when `cursor` is not one this list handed out. */
  async packages(
    tenant: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<PackageHistoryItem> | null> {
    let found: FindResult<PackageHistoryDocument>;
    try {
      found = await this.readModels.find<PackageHistoryDocument>(PACKAGE_HISTORY, {
        filter: { tenant },
        sort: [['order', -1]],
        limit: options.limit,
        cursor: options.cursor,
      });
    } catch (error) {
      if (error instanceof InvalidCursorError) return null;
      throw error;
    }
    const { items, nextCursor } = found;
    return {
      items: items.map(
        ({ outcome, packageId, owner, sequence, at, actor, reasons, companyName, serialNumber, position }) => ({
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
        }),
      ),
      nextCursor: nextCursor ?? null,
    };
  }
}
