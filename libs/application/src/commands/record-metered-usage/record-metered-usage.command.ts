import { Command } from '@nestjs/cqrs';
import type { CommandEnvelope } from '../../command-events';
import type { UsageRecordProblem } from '@app/domain';

/** One record or a batch of up to 1,000, as the request carried them: each is checked on its own. */
export class RecordMeteredUsageCommand extends Command<RecordMeteredUsageAnswer> {
  constructor(
    readonly tenantId: string,
    readonly records: unknown[],
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}

export interface RecordMeteredUsageAnswer {
  accepted: number;
  duplicates: number;
  /** The records not counted because they break a rule, with the reasons; the valid records were kept. */
  rejected: UsageRecordProblem[];
  position: string;
}
