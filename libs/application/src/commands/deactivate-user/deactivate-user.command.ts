import { Command } from '@nestjs/cqrs';
import type { CommandEnvelope } from '../../command-events';
import type { AssignmentAnswer } from '../run-assignment-command';

/** Deactivate a user: every license the user holds is released. */
export class DeactivateUserCommand extends Command<AssignmentAnswer> {
  constructor(
    readonly tenantId: string,
    readonly userId: string,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
