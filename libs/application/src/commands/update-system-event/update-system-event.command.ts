import { Command } from '@nestjs/cqrs';
import type { SystemEventChanges, SystemEventKey } from '@app/domain';
import type { CommandEnvelope } from '../../command-events';
import type { SystemEventAnswer } from '../system-event-answer';

/** Change the status, message or expected end of a live system event. */
export class UpdateSystemEventCommand extends Command<SystemEventAnswer> {
  constructor(
    readonly tenantId: string,
    readonly key: SystemEventKey,
    readonly changes: SystemEventChanges,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
