import { byScreenOrder, holdingAfter, moduleFromRow, ModuleLicense, textOf } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { BatchDocuments, Projection } from '../projection';
import { asLedgerEvent, key, tenantOf } from './ledger-event';

export const LICENSE_OWNERS = 'license_owners';
export const LICENSE_HOLDINGS = 'license_holdings';

export interface LicenseOwnerDocument {
  [field: string]: unknown;
  tenant: string;
  name: string;
  description: string;
  companyName: string;
  serialNumber: string;
  databaseType: string;
  expiration: string | null;
  graceTo: string | null;
  licenses: ModuleLicense[];
  /** Holders per module; kept apart from the rows, which each new package replaces. */
  inUse: Record<string, number>;
}

/** Keyed `tenant|owner|module|userId`: the id says whose holding it is, the document only why. */
export interface LicenseHoldingDocument {
  [field: string]: unknown;
  explicit: boolean;
  plan: string | null;
}

/** The Licenses screen: each owner with its licenses and how many are in use, and who holds each license. */
export const licenseListProjection: Projection = {
  name: 'license-list',
  collections: {
    [LICENSE_OWNERS]: [{ name: 'by_tenant', fields: ['tenant', 'name'] }],
    // Holdings are found by id prefix (tenant|owner|module|), so they need no secondary index.
    [LICENSE_HOLDINGS]: [],
  },
  eventTypes: ['LicensePackageActivated', 'LicenseAssigned', 'LicenseReleased'],

  documentsFor(recorded: RecordedEvent): Array<[string, string]> {
    const tenant = tenantOf(recorded);
    const event = asLedgerEvent(recorded);
    if (event.type === 'LicensePackageActivated') return [[LICENSE_OWNERS, key(tenant, event.data.package.owner.name)]];
    if (event.type === 'LicenseAssigned' || event.type === 'LicenseReleased') {
      const { owner, module, userId } = event.data;
      return [
        [LICENSE_HOLDINGS, key(tenant, owner, module, userId)],
        [LICENSE_OWNERS, key(tenant, owner)],
      ];
    }
    return [];
  },

  apply(recorded: RecordedEvent, documents: BatchDocuments): void {
    const tenant = tenantOf(recorded);
    const event = asLedgerEvent(recorded);
    switch (event.type) {
      case 'LicensePackageActivated': {
        const pkg = event.data.package;
        const id = key(tenant, pkg.owner.name);
        const current = documents.get<LicenseOwnerDocument>(LICENSE_OWNERS, id);
        const document: LicenseOwnerDocument = {
          tenant,
          name: pkg.owner.name,
          description: textOf(pkg.owner.description),
          companyName: pkg.licensee.companyName,
          serialNumber: pkg.licensee.serialNumber,
          databaseType: textOf(pkg.licensee.databaseType),
          expiration: pkg.dates.expiration,
          graceTo: pkg.dates.graceTo,
          licenses: pkg.modules.map(moduleFromRow).sort(byScreenOrder),
          inUse: current?.inUse ?? {},
        };
        documents.put(LICENSE_OWNERS, id, document);
        return;
      }
      case 'LicenseAssigned':
      case 'LicenseReleased': {
        const { owner, module, userId } = event.data;
        const id = key(tenant, owner, module, userId);
        const existing = documents.get<LicenseHoldingDocument>(LICENSE_HOLDINGS, id);
        const heldBefore = existing !== null;
        const holding = holdingAfter(existing ?? undefined, event);
        const held = holding !== undefined;
        if (holding)
          documents.put(LICENSE_HOLDINGS, id, {
            explicit: holding.explicit,
            plan: holding.plan,
          } satisfies LicenseHoldingDocument);
        else documents.remove(LICENSE_HOLDINGS, id);
        if (held !== heldBefore) {
          const ownerId = key(tenant, owner);
          const ownerDocument = documents.get<LicenseOwnerDocument>(LICENSE_OWNERS, ownerId);
          if (!ownerDocument) throw new Error(`${recorded.stream}@${recorded.revision}: no licenses of owner ${owner}`);
          ownerDocument.inUse[module] = (ownerDocument.inUse[module] ?? 0) + (held ? 1 : -1);
          documents.put(LICENSE_OWNERS, ownerId, ownerDocument);
        }
        return;
      }
      default:
        return;
    }
  },
};
