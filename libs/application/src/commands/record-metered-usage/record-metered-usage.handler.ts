import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { parse as parseUuid } from 'uuid';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  carryPastClosedMonth,
  LateOrigin,
  ledgerStream,
  MAX_MONTHS_CARRIED,
  meteringLedgerFacts,
  MeteringFacts,
  meteringStream,
  nextMonth,
  sortUsageRecords,
  usageOutcome,
  UsageRecord,
} from '@app/domain';
import { derivedId, type CommandEnvelope } from '../../command-events';
import { CLOCK, Clock } from '../../ports/clock.port';
import { LEDGER_RUNNER, LedgerRunner } from '../../ports/ledger-runner.port';
import { METERING_RUNNER, MeteringRunner } from '../../ports/metering-runner.port';
import { CommandRefusedError, UsageRejectedError } from '../command-refused.error';
import { RecordMeteredUsageAnswer, RecordMeteredUsageCommand } from './record-metered-usage.command';

const SUB_COMMAND_NAMESPACE = parseUuid('1b0e3d8c-5f7a-4c41-9a57-2f6d3c1e8b90');

interface MonthAnswer {
  accepted: number;
  duplicates: number;
  position: bigint;
}

/**
 * Sorts the records by month and records each month's on its own stream. A closed month refuses its new records;
 * the domain's late-usage policy (`carryPastClosedMonth`) says what walks on to the next month, until an open one
 * records them as late usage of their own month.
 */
@CommandHandler(RecordMeteredUsageCommand)
export class RecordMeteredUsageHandler implements ICommandHandler<RecordMeteredUsageCommand, RecordMeteredUsageAnswer> {
  constructor(
    @Inject(METERING_RUNNER) private readonly runner: MeteringRunner,
    @Inject(LEDGER_RUNNER) private readonly ledger: LedgerRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ tenantId, records, envelope }: RecordMeteredUsageCommand): Promise<RecordMeteredUsageAnswer> {
    const now = this.clock.now();
    const { byMonth, problems } = sortUsageRecords(records, now);
    if (byMonth.size === 0) throw new UsageRejectedError(problems);
    const ledgerFacts = await this.ledger.read(ledgerStream(tenantId), meteringLedgerFacts);
    const facts: MeteringFacts = {
      now,
      actor: envelope.actor,
      ...ledgerFacts,
      thresholds: this.config.metering.thresholds,
    };
    if (byMonth.size === 1) {
      // One month (every single record, most batches): answered without the arrays and Promise.all of many.
      const [[month, ofMonth]] = byMonth;
      const answer = await this.recordMonth(tenantId, month, ofMonth, facts, envelope, envelope.freshId === true);
      const { accepted, duplicates, position } = answer;
      return { accepted, duplicates, rejected: problems, position: String(position) };
    }
    const answers = await Promise.all(
      [...byMonth].map(([month, ofMonth]) => this.recordMonth(tenantId, month, ofMonth, facts, envelope)),
    );
    return {
      accepted: answers.reduce((sum, answer) => sum + answer.accepted, 0),
      duplicates: answers.reduce((sum, answer) => sum + answer.duplicates, 0),
      rejected: problems,
      position: String(answers.reduce((max, answer) => (answer.position > max ? answer.position : max), 0n)),
    };
  }

  private async recordMonth(
    tenantId: string,
    origin: string,
    records: UsageRecord[],
    facts: MeteringFacts,
    envelope: CommandEnvelope,
    /** The first month asked may take the command's own id (see `partEnvelope`). */
    soleStream = false,
  ): Promise<MonthAnswer> {
    let pending = records;
    let duplicates = 0;
    let late: LateOrigin | undefined;
    for (let month = origin, hops = 0; hops <= MAX_MONTHS_CARRIED; month = nextMonth(month), hops++) {
      const stream = meteringStream(tenantId, month);
      const toRecord = pending;
      const outcome = await this.runner.run(
        stream,
        {
          type: 'RecordMeteredUsage',
          // Two literals rather than a spread of `late`: the spread made every command's data by a generic copy.
          data: late ? { tenantId, month, records: toRecord, late } : { tenantId, month, records: toRecord },
          metadata: facts,
        },
        partEnvelope(envelope, stream, soleStream && hops === 0),
        (_, events) => usageOutcome(toRecord, events),
      );
      if (outcome.kind === 'recorded') {
        return {
          accepted: outcome.summary.accepted,
          duplicates: duplicates + outcome.summary.duplicates,
          position: outcome.position ?? 0n,
        };
      }
      if (outcome.refusal.code !== 'month-closed') throw new CommandRefusedError(outcome.refusal);
      const carried = carryPastClosedMonth(origin, toRecord, outcome.refusal.context, late);
      ({ pending, late } = carried);
      duplicates += carried.duplicates;
    }
    throw new Error(`metering of ${tenantId}: no open month within ${MAX_MONTHS_CARRIED} months after ${origin}`);
  }
}

/**
 * The envelope of a command's part for one month's stream. A retry with the same command id asks each month the same
 * question, and gets the first answer: each part has an id of its own, derived from the command's and the stream's.
 * A fresh command (`CommandEnvelope.freshId`: never sent again) whose records all fall in one month, asked of that
 * month first, is one command on one stream, as an assignment is: its part keeps the command's own id, which no other
 * stream's part can take (a month it walks on to derives one). Why (issue 15, goal 4): the derivation, a SHA-1 and
 * an envelope copy per single usage record, was work no retry could ever use.
 */
function partEnvelope(envelope: CommandEnvelope, stream: string, sole: boolean): CommandEnvelope {
  if (sole) return envelope;
  return { ...envelope, commandId: derivedId(envelope.commandId, `|${stream}`, SUB_COMMAND_NAMESPACE) };
}
