import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ledgerStream, meteringLedgerFacts, MeteringEvent, MeteringState, meteringStream } from '@app/domain';
import { CLOCK, Clock } from '../../ports/clock.port';
import { LEDGER_RUNNER, LedgerRunner } from '../../ports/ledger-runner.port';
import { METERING_RUNNER, MeteringRunner } from '../../ports/metering-runner.port';
import { CommandRefusedError } from '../command-refused.error';
import { CloseMeteringMonthAnswer, CloseMeteringMonthCommand } from './close-metering-month.command';

@CommandHandler(CloseMeteringMonthCommand)
export class CloseMeteringMonthHandler implements ICommandHandler<CloseMeteringMonthCommand, CloseMeteringMonthAnswer> {
  constructor(
    @Inject(METERING_RUNNER) private readonly runner: MeteringRunner,
    @Inject(LEDGER_RUNNER) private readonly ledger: LedgerRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ tenantId, month, envelope }: CloseMeteringMonthCommand): Promise<CloseMeteringMonthAnswer> {
    const { tenantSince } = await this.ledger.read(ledgerStream(tenantId), meteringLedgerFacts);
    const metadata = {
      now: this.clock.now(),
      actor: envelope.actor,
      thresholds: this.config.metering.thresholds,
      tenantSince,
    };
    const outcome = await this.runner.run(
      meteringStream(tenantId, month),
      { type: 'CloseMeteringMonth', data: { tenantId, month }, metadata },
      envelope,
      invoiceOf,
    );
    if (outcome.kind === 'refused') throw new CommandRefusedError(outcome.refusal);
    return { month, ...outcome.summary, closed: true, position: String(outcome.position ?? 0n) };
  }
}

/** The month's invoice: as this close fixed it, or as an earlier close did (closing twice changes nothing). */
function invoiceOf(before: MeteringState, events: MeteringEvent[]): Pick<CloseMeteringMonthAnswer, 'users' | 'lines'> {
  const closed = events.find((event) => event.type === 'MeteringMonthClosed');
  if (closed) return { users: closed.data.users, lines: closed.data.lines };
  return { users: before.closed!.users, lines: before.closed!.lines };
}
