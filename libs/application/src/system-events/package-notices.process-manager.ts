import { decodeLedgerEvent, packageActivatedNotice, packageRejectedNotice } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { ProcessManager } from '../process-managers/process-manager';
import { raiseNotice } from './raise-notice';
import type { SystemEventsRunner } from './system-events-runner';

const LEDGER_PREFIX = 'ledger-';
export const PACKAGE_NOTICES = 'package-notices';

/** A license package activated or rejected: the tenant's feed says so, with the reasons of a rejection. */
export function packageNoticesProcessManager(runner: SystemEventsRunner): ProcessManager {
  return {
    name: PACKAGE_NOTICES,
    filter: { streamPrefix: LEDGER_PREFIX, eventTypes: ['LicensePackageActivated', 'LicensePackageRejected'] },
    async handle(recorded: RecordedEvent): Promise<void> {
      const event = decodeLedgerEvent(recorded);
      const origin = {
        tenant: recorded.stream.slice(LEDGER_PREFIX.length),
        cause: `event:${recorded.id}`,
        correlationId: recorded.metadata.correlationId,
        causationId: recorded.id,
      };
      if (event.type === 'LicensePackageActivated')
        await raiseNotice(runner, packageActivatedNotice(event.data), { ...origin, at: event.data.activatedAt });
      else if (event.type === 'LicensePackageRejected')
        await raiseNotice(runner, packageRejectedNotice(event.data), { ...origin, at: event.data.rejectedAt });
    },
  };
}
