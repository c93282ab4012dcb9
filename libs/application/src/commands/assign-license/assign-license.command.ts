import { Command } from '@nestjs/cqrs';
import type { CommandEnvelope } from '../../command-events';
import type { AssignmentAnswer } from '../run-assignment-command';

/** Give a user a license of an owner; a plan brings the licenses of its `set=` (and releases the previous plan's). */
export class AssignLicenseCommand extends Command<AssignmentAnswer> {
  constructor(
    readonly tenantId: string,
    readonly userId: string,
    readonly owner: string,
    readonly module: string,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
