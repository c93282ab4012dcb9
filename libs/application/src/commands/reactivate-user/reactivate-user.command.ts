import { Command } from '@nestjs/cqrs';
import type { CommandEnvelope } from '../../command-events';
import type { AssignmentAnswer } from '../run-assignment-command';

/** Reactivate a deactivated user, who may then be given licenses again. */
export class ReactivateUserCommand extends Command<AssignmentAnswer> {
  constructor(
    readonly tenantId: string,
    readonly userId: string,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
