import { MeteringThresholdNoticeCause, meteringThresholdNotice } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { ProcessManager } from '../process-managers/process-manager';
import { raiseNotice } from './raise-notice';
import type { SystemEventsRunner } from './system-events-runner';

export const METERING_NOTICES = 'metering-notices';

/** A metered service went above its threshold for the month (`metering-{tenant}-{yyyy-mm}` streams). */
export function meteringNoticesProcessManager(runner: SystemEventsRunner): ProcessManager {
  return {
    name: METERING_NOTICES,
    filter: { streamPrefix: 'metering-', eventTypes: ['MeteringThresholdExceeded'] },
    async handle(recorded: RecordedEvent): Promise<void> {
      const data = meteringCause(recorded);
      await raiseNotice(runner, meteringThresholdNotice(data), {
        tenant: data.tenantId,
        cause: `event:${recorded.id}`,
        at: data.at,
        correlationId: recorded.metadata.correlationId,
      });
    },
  };
}

/** The metering slice's event as this manager relies on it; anything else is a broken contract, not a notice. */
function meteringCause(recorded: RecordedEvent): MeteringThresholdNoticeCause {
  const { tenantId, month, service, total, threshold, users, at } = recorded.data;
  const wellFormed =
    typeof tenantId === 'string' &&
    tenantId.length > 0 &&
    typeof month === 'string' &&
    typeof service === 'string' &&
    typeof total === 'number' &&
    typeof threshold === 'number' &&
    typeof users === 'number' &&
    typeof at === 'string' &&
    !Number.isNaN(Date.parse(at));
  if (!wellFormed) throw new Error(`${recorded.stream}@${recorded.revision}: MeteringThresholdExceeded without {tenantId, month, service, total, threshold, users, at}`);
  return { tenantId, month, service, total, threshold, users, at };
}
