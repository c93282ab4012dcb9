import { decodeMeteringEvent, meteringThresholdNotice } from '@app/domain';
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
      // Anything but a well-formed threshold event is a broken contract, not a notice: the decoder throws.
      const event = decodeMeteringEvent(recorded);
      if (event.type !== 'MeteringThresholdExceeded') return;
      const { data } = event;
      await raiseNotice(runner, meteringThresholdNotice(data), {
        tenant: data.tenantId,
        cause: `event:${recorded.id}`,
        at: data.at,
        correlationId: recorded.metadata.correlationId,
        causationId: recorded.id,
      });
    },
  };
}
