import { Command } from '@nestjs/cqrs';
import type { CommandEnvelope } from '../command-events';
import type { AssignmentAnswer } from './run-assignment-command';

/** A command about one license of one user: assign or unassign (each its own class, so each its own handler). */
export abstract class LicenseTargetCommand extends Command<AssignmentAnswer> {
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
