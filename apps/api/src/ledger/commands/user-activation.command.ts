import { Command } from '@nestjs/cqrs';
import type { CommandEnvelope } from '@app/application';
import type { AssignmentAnswer } from './assign-license.command';

export class DeactivateUserCommand extends Command<AssignmentAnswer> {
  constructor(
    readonly tenantId: string,
    readonly userId: string,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}

export class ReactivateUserCommand extends Command<AssignmentAnswer> {
  constructor(
    readonly tenantId: string,
    readonly userId: string,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
