import { Command } from '@nestjs/cqrs';
import type { CommandEnvelope } from '../../command-events';
import type { InvoiceLine } from '@app/domain';

export class CloseMeteringMonthCommand extends Command<CloseMeteringMonthAnswer> {
  constructor(
    readonly tenantId: string,
    readonly month: string,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}

export interface CloseMeteringMonthAnswer {
  month: string;
  users: number;
  closed: true;
  lines: InvoiceLine[];
  position: string;
}
