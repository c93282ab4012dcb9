import { Command } from '@nestjs/cqrs';
import type { SystemEventKey } from '@app/domain';
import type { CommandEnvelope } from '../../command-events';

export interface SystemEventDeletedAnswer extends SystemEventKey {
  sequence: number;
  position: string;
}

/** End a live system event (events are never ended automatically: an admin deletes them). */
export class DeleteSystemEventCommand extends Command<SystemEventDeletedAnswer> {
  constructor(
    readonly tenantId: string,
    readonly key: SystemEventKey,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
