import {
  decodeLedgerEvent,
  foldLedgerUntil,
  initialLedgerState,
  LedgerState,
  LicenseListView,
  licenseListView,
  ledgerStream,
} from '@app/domain';
import type { EventStore } from '@app/event-store';

const PAGE = 1000;

export interface AsOfOptions {
  /** Called with the revision reached after each page of the stream. */
  onProgress?: (revision: number) => void;
  pageSize?: number;
}

/**
 * The tenant's ledger as it stood at `moment`, replayed from its stream (not read from a read model); see
 * `foldLedgerUntil` for which time counts.
 */
export async function ledgerAsOf(
  store: EventStore,
  tenant: string,
  moment: Date,
  options: AsOfOptions = {},
): Promise<LedgerState> {
  const pageSize = options.pageSize ?? PAGE;
  let state = initialLedgerState();
  let fromRevision = 0;
  for (;;) {
    const read = await store.readStream(ledgerStream(tenant), { fromRevision, maxCount: pageSize });
    if (read.status === 'stream-not-found' || read.events.length === 0) return state;
    const outcome = foldLedgerUntil(state, read.events.map(decodeLedgerEvent), moment);
    state = outcome.state;
    const last = read.events[read.events.length - 1].revision;
    options.onProgress?.(last);
    if (outcome.passed || read.events.length < pageSize) return state;
    fromRevision = last + 1;
  }
}

/** The license list in the live query's shape, or null when no package was active for the tenant at that moment. */
export async function licenseListAsOf(
  store: EventStore,
  tenant: string,
  moment: Date,
  options: AsOfOptions = {},
): Promise<LicenseListView | null> {
  const view = licenseListView(await ledgerAsOf(store, tenant, moment, options));
  return view.owners.length > 0 ? view : null;
}
