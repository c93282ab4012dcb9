import type { CommandEnvelope } from '@app/application';
import type { InvoiceLine } from '@app/domain';

export class CloseMeteringMonthCommand {
  constructor(
    readonly tenantId: string,
    readonly month: string,
    readonly envelope: CommandEnvelope,
  ) {}
}

export interface CloseMeteringMonthAnswer {
  month: string;
  users: number;
  closed: true;
  lines: InvoiceLine[];
  position: string;
}
