import { Command } from '@nestjs/cqrs';
import type { SystemEventKey, SystemEventStatus } from '@app/domain';
import type { CommandEnvelope } from '../../command-events';
import type { SystemEventAnswer } from '../system-event-answer';

/** Start a system event; (eventKey, scope, owner) must not be live already. */
export class StartSystemEventCommand extends Command<SystemEventAnswer> {
  constructor(
    readonly tenantId: string,
    readonly key: SystemEventKey,
    readonly details: { status: SystemEventStatus; message: string; eta: string | null; activatedBy: string },
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
