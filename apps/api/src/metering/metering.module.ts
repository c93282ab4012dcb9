import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DeciderRunner, RUNNER_OBSERVER, RunnerObserver } from '@app/application';
import { metering } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { CLOCK, systemClock } from '../common/clock';
import { LedgerModule } from '../ledger/ledger.module';
import { ProjectionsModule } from '../queries/projections.module';
import { CloseMeteringMonthHandler } from './commands/close-metering-month.handler';
import { RecordMeteredUsageHandler } from './commands/record-metered-usage.handler';
import { MeteringController } from './http/metering.controller';
import { METERING_RUNNER } from './metering.tokens';

@Module({
  imports: [CqrsModule, LedgerModule, ProjectionsModule],
  controllers: [MeteringController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    {
      provide: METERING_RUNNER,
      useFactory: (store: EventStore, observer?: RunnerObserver) => new DeciderRunner(store, metering, { name: 'metering', observer }),
      inject: [EVENT_STORE, { token: RUNNER_OBSERVER, optional: true }],
    },
    RecordMeteredUsageHandler,
    CloseMeteringMonthHandler,
  ],
})
export class MeteringModule {}
