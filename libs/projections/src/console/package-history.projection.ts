import type { PackageHistoryEntry } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { BatchDocuments, Projection } from '../projection';
import { asLedgerEvent, key, tenantOf } from '../ledger/ledger-event';

export const PACKAGE_HISTORY = 'package_history';

/** One activation or rejection of a license package, as the console's Activate screen and Audit list them. */
export interface PackageHistoryDocument extends PackageHistoryEntry {
  [field: string]: unknown;
  tenant: string;
  /** The position padded to 20 digits: the sort key, newest first (positions outgrow a JSON number's exact range). */
  order: string;
}

export const packageHistoryId = (tenant: string, position: bigint) => key(tenant, String(position).padStart(20, '0'));

/** Every package a tenant was sent, in the order the ledger decided them. */
export const packageHistoryProjection: Projection = {
  name: 'package-history',
  collections: { [PACKAGE_HISTORY]: [{ name: 'by_tenant_order', fields: ['tenant', 'order'] }] },
  eventTypes: ['LicensePackageActivated', 'LicensePackageRejected'],

  documentsFor(recorded: RecordedEvent): Array<[string, string]> {
    // Every event writes a document of its own (named here so that the batch may write it).
    return [[PACKAGE_HISTORY, packageHistoryId(tenantOf(recorded), recorded.position)]];
  },

  apply(recorded: RecordedEvent, documents: BatchDocuments): void {
    const tenant = tenantOf(recorded);
    const event = asLedgerEvent(recorded);
    const common = {
      tenant,
      actor: typeof recorded.metadata.actor === 'string' ? recorded.metadata.actor : null,
      position: String(recorded.position),
      order: String(recorded.position).padStart(20, '0'),
    };
    let document: PackageHistoryDocument;
    if (event.type === 'LicensePackageActivated') {
      const pkg = event.data.package;
      document = {
        ...common,
        outcome: 'activated',
        packageId: pkg.packageId,
        owner: pkg.owner.name,
        sequence: pkg.sequence,
        at: event.data.activatedAt,
        reasons: [],
        companyName: pkg.licensee.companyName,
        serialNumber: pkg.licensee.serialNumber,
      };
    } else if (event.type === 'LicensePackageRejected') {
      const { packageId, owner, sequence, reasons, rejectedAt } = event.data;
      document = {
        ...common,
        outcome: 'rejected',
        packageId,
        owner,
        sequence,
        at: rejectedAt,
        reasons,
        companyName: null,
        serialNumber: null,
      };
    } else {
      return;
    }
    documents.put(PACKAGE_HISTORY, packageHistoryId(tenant, recorded.position), document);
  },
};
