import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { liveEvent, SystemEventsCommand, systemEventsStream } from '@app/domain';
import { CLOCK, Clock } from '../../ports/clock.port';
import { SYSTEM_EVENTS_RUNNER } from '../../system-events/system-notices.module';
import type { SystemEventsRunner } from '../../system-events/system-events-runner';
import { CommandRefusedError } from '../command-refused.error';
import { DeleteSystemEventCommand, SystemEventDeletedAnswer } from './delete-system-event.command';

@CommandHandler(DeleteSystemEventCommand)
export class DeleteSystemEventHandler implements ICommandHandler<DeleteSystemEventCommand, SystemEventDeletedAnswer> {
  constructor(
    @Inject(SYSTEM_EVENTS_RUNNER) private readonly runner: SystemEventsRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ tenantId, key, envelope }: DeleteSystemEventCommand): Promise<SystemEventDeletedAnswer> {
    const command: SystemEventsCommand = {
      type: 'DeleteSystemEvent',
      data: key,
      metadata: { now: this.clock.now(), actor: envelope.actor },
    };
    const outcome = await this.runner.run(systemEventsStream(tenantId), command, envelope, (before) => ({
      sequence: liveEvent(before, key)?.sequence ?? null,
    }));
    if (outcome.kind === 'refused') throw new CommandRefusedError(outcome.refusal);
    return { ...key, sequence: outcome.summary.sequence as number, position: String(outcome.position ?? 0n) };
  }
}
