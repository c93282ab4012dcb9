import {
  LEDGER_EVENT_TYPES,
  METERING_EVENT_TYPES,
  SYSTEM_EVENTS_EVENT_TYPES,
  SYSTEM_EVENTS_STREAM_PREFIX,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { BatchDocuments, Projection } from '../projection';
import { oncePerEvent } from '../decoded-once';
import { asLedgerEvent, tenantOf } from '../ledger/ledger-event';

export const TENANT_DIRECTORY = 'tenant_directory';

/** One tenant as `GET /v1/tenants` lists it: who the licensee is and when anything last happened to it. */
export interface TenantDirectoryDocument {
  [field: string]: unknown;
  tenant: string;
  /** From the SUPEROFFICE owner's active package when there is one (the licensee the Licenses screen shows), else the first owner's. */
  companyName: string | null;
  serialNumber: string | null;
  owners: string[];
  /** When the store recorded the tenant's latest event (any stream): the store's time, so a rebuild gives the same. */
  lastActivityAt: string;
  lastPosition: string;
}

const LEDGER_PREFIX = 'ledger-';
const METERING_PREFIX = 'metering-';
const METERING_SUFFIX = /-\d{4}-\d{2}$/;

/**
 * The tenant of an event's stream, one string per event (see oncePerEvent): for a ledger event, the very string the
 * ledger projections key their documents by, so that its hash is computed once for all of them.
 */
const tenantOfEvent = oncePerEvent((recorded): string | null =>
  recorded.stream.startsWith(LEDGER_PREFIX) ? tenantOf(recorded) : tenantOfStream(recorded.stream),
);

/** The tenant a stream belongs to (`ledger-T`, `systemevents-T`, `metering-T-yyyy-mm`); null for any other stream. */
export function tenantOfStream(stream: string): string | null {
  if (stream.startsWith(LEDGER_PREFIX)) return stream.slice(LEDGER_PREFIX.length);
  if (stream.startsWith(SYSTEM_EVENTS_STREAM_PREFIX)) return stream.slice(SYSTEM_EVENTS_STREAM_PREFIX.length);
  if (stream.startsWith(METERING_PREFIX) && METERING_SUFFIX.test(stream))
    return stream.slice(METERING_PREFIX.length).replace(METERING_SUFFIX, '');
  return null;
}

/** The tenants list of the console's administrators and auditors (every tenant that has any event). */
export const tenantDirectoryProjection: Projection = {
  name: 'tenant-directory',
  collections: { [TENANT_DIRECTORY]: [] },
  eventTypes: [...LEDGER_EVENT_TYPES, ...METERING_EVENT_TYPES, ...SYSTEM_EVENTS_EVENT_TYPES],

  documentsFor(recorded: RecordedEvent): Array<[string, string]> {
    const tenant = tenantOfEvent(recorded);
    return tenant === null ? [] : [[TENANT_DIRECTORY, tenant]];
  },

  apply(recorded: RecordedEvent, documents: BatchDocuments): void {
    const tenant = tenantOfEvent(recorded);
    if (tenant === null) return;
    const document = documents.get<TenantDirectoryDocument>(TENANT_DIRECTORY, tenant) ?? {
      tenant,
      companyName: null,
      serialNumber: null,
      owners: [],
      lastActivityAt: recorded.recordedAt,
      lastPosition: String(recorded.position),
    };
    document.lastActivityAt = recorded.recordedAt;
    document.lastPosition = String(recorded.position);
    if (recorded.type === 'LicensePackageActivated' && recorded.stream.startsWith(LEDGER_PREFIX)) {
      const event = asLedgerEvent(recorded);
      if (event.type === 'LicensePackageActivated') {
        const pkg = event.data.package;
        if (!document.owners.includes(pkg.owner.name)) document.owners = [...document.owners, pkg.owner.name].sort();
        // SUPEROFFICE names the licensee; a partner owner only fills the gap while no SUPEROFFICE package exists.
        if (
          pkg.owner.name === 'SUPEROFFICE' ||
          document.companyName === null ||
          !document.owners.includes('SUPEROFFICE')
        ) {
          document.companyName = pkg.licensee.companyName;
          document.serialNumber = pkg.licensee.serialNumber;
        }
      }
    }
    documents.put(TENANT_DIRECTORY, tenant, document);
  },
};
