import { Command } from '@nestjs/cqrs';
import type { CommandEnvelope } from '@app/application';

export interface AssignmentAnswer {
  assigned: string[];
  released: string[];
  position: string;
}

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
