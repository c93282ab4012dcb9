import { Command } from '@nestjs/cqrs';
import type { CommandEnvelope } from '../../command-events';
import type { AssignmentAnswer } from '../run-assignment-command';

/** Take a license from a user (a plan takes the licenses it implied with it). */
export class UnassignLicenseCommand extends Command<AssignmentAnswer> {
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
