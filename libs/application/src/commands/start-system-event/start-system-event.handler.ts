import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { SystemEventsCommand } from '@app/domain';
import { CLOCK, Clock } from '../../ports/clock.port';
import { SYSTEM_EVENTS_RUNNER } from '../../system-events/system-notices.module';
import type { SystemEventsRunner } from '../../system-events/system-events-runner';
import { runForLiveAnswer, SystemEventAnswer } from '../system-event-answer';
import { StartSystemEventCommand } from './start-system-event.command';

@CommandHandler(StartSystemEventCommand)
export class StartSystemEventHandler implements ICommandHandler<StartSystemEventCommand, SystemEventAnswer> {
  constructor(
    @Inject(SYSTEM_EVENTS_RUNNER) private readonly runner: SystemEventsRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ tenantId, key, details, envelope }: StartSystemEventCommand): Promise<SystemEventAnswer> {
    const command: SystemEventsCommand = {
      type: 'StartSystemEvent',
      data: { ...key, ...details },
      metadata: { now: this.clock.now(), actor: envelope.actor },
    };
    return runForLiveAnswer(this.runner, tenantId, key, command, envelope);
  }
}
