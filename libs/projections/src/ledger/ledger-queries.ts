import {
  DEFAULT_OWNER,
  HoldersView,
  LicenseListView,
  licenseView,
  Page,
  StatusView,
  TenantSummary,
  UserLicensesView,
} from '@app/domain';
import { InvalidCursorError, ReadModelStore } from '@app/read-models';
import { key } from './ledger-event';
import {
  LICENSE_HOLDINGS,
  LICENSE_OWNERS,
  LicenseHoldingDocument,
  LicenseOwnerDocument,
} from './license-list.projection';
import { STATUS, StatusDocument } from './status.projection';
import { USER_LICENSES, UserLicensesDocument } from './user-licenses.projection';

/** Pass `nextCursor` as `cursor` for the next page; null on the last page. */
export type TenantsPage = Page<TenantSummary>;

/** Answers in the shapes of the domain's views (`ledger.views.ts`), read from the projections' documents. */
export class LedgerQueries {
  constructor(private readonly readModels: ReadModelStore) {}

  /** Null when no package has been activated for the tenant. */
  async licenseList(tenant: string): Promise<LicenseListView | null> {
    const { items } = await this.readModels.find<LicenseOwnerDocument>(LICENSE_OWNERS, {
      filter: { tenant },
      sort: [['name', 1]],
    });
    if (items.length === 0) return null;
    return {
      owners: items.map((owner) => ({
        name: owner.name,
        description: owner.description,
        companyName: owner.companyName,
        serialNumber: owner.serialNumber,
        databaseType: owner.databaseType,
        expiration: owner.expiration,
        graceTo: owner.graceTo,
        licenses: owner.licenses.map((license) => licenseView(license, owner.inUse[license.name] ?? 0)),
      })),
    };
  }

  /** Null when the owner has no such license. */
  async holders(tenant: string, module: string, owner = DEFAULT_OWNER): Promise<HoldersView | null> {
    const licenses = await this.readModels.get<LicenseOwnerDocument>(LICENSE_OWNERS, key(tenant, owner));
    if (!licenses?.licenses.some((license) => license.name === module)) return null;
    // Ids are tenant|owner|module|user: the prefix selects one license's holders, already in user order.
    const prefix = `${key(tenant, owner, module)}|`;
    const { items } = await this.readModels.find<LicenseHoldingDocument>(LICENSE_HOLDINGS, { idPrefix: prefix });
    return { module, holders: items.map((holding) => holding._id.slice(prefix.length)) };
  }

  async userLicenses(tenant: string, userId: string, owner = DEFAULT_OWNER): Promise<UserLicensesView> {
    const user = await this.readModels.get<UserLicensesDocument>(USER_LICENSES, key(tenant, userId));
    const prefix = `${owner}|`;
    return {
      userId,
      active: user?.active ?? true,
      plan: user?.plans[owner] ?? null,
      modules: Object.keys(user?.holdings ?? {})
        .filter((holding) => holding.startsWith(prefix))
        .map((holding) => holding.slice(prefix.length))
        .sort(),
    };
  }

  /**
   * Every tenant with an activated package, by tenant id, a page at a time (for the cross-tenant listing,
   * `GET /v1/tenants`). Null when `cursor` is not one this listing handed out.
   */
  async tenants(options: { limit: number; cursor?: string }): Promise<TenantsPage | null> {
    try {
      const { items, nextCursor } = await this.readModels.find<StatusDocument>(STATUS, {
        limit: options.limit,
        cursor: options.cursor,
      });
      return {
        items: items
          .filter((status) => Object.keys(status.owners).length > 0)
          .map((status) => ({
            tenantId: status._id,
            owners: Object.keys(status.owners).sort(),
            planHolders: status.planHolders,
          })),
        nextCursor: nextCursor ?? null,
      };
    } catch (error) {
      if (error instanceof InvalidCursorError) return null;
      throw error;
    }
  }

  /** Null when no package has been activated for the tenant. */
  async status(tenant: string): Promise<StatusView | null> {
    const status = await this.readModels.get<StatusDocument>(STATUS, tenant);
    if (!status || Object.keys(status.owners).length === 0) return null;
    const mainName = status.owners[DEFAULT_OWNER] ? DEFAULT_OWNER : Object.keys(status.owners).sort()[0];
    const main = status.owners[mainName];
    const expiries = Object.values(status.owners)
      .map((owner) => owner.expiration)
      .filter((date): date is string => date !== null)
      .sort();
    const superOffice = status.owners[DEFAULT_OWNER];
    return {
      database: {
        owner: mainName,
        serialNumber: main.serialNumber,
        databaseType: main.databaseType,
        nextExpiry: expiries[0] ?? null,
      },
      userCount: {
        byLicenses: { user: superOffice?.userNumber ?? null, web: superOffice?.webNumber ?? null },
        byPlansInUse: status.planHolders,
      },
    };
  }
}
