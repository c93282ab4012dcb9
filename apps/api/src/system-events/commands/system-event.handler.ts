import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { CommandEnvelope, SystemEventsRunner } from '@app/application';
import {
  detailsOf,
  LiveSystemEvent,
  liveEvent,
  SystemEventKey,
  SystemEventsCommand,
  SystemEventsEvent,
  systemEventsStream,
  SystemEventsState,
} from '@app/domain';
import { CLOCK, Clock } from '../../common/clock';
import { refusalProblem } from '../../problem/refusal-problem';
import { SYSTEM_EVENTS_RUNNER } from '../system-events.tokens';
import {
  DeleteSystemEventCommand,
  StartSystemEventCommand,
  SystemEventAnswer,
  SystemEventDeletedAnswer,
  UpdateSystemEventCommand,
} from './system-event.command';

type LiveAnswer = Omit<SystemEventAnswer, 'position'>;

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

@CommandHandler(UpdateSystemEventCommand)
export class UpdateSystemEventHandler implements ICommandHandler<UpdateSystemEventCommand, SystemEventAnswer> {
  constructor(
    @Inject(SYSTEM_EVENTS_RUNNER) private readonly runner: SystemEventsRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ tenantId, key, changes, envelope }: UpdateSystemEventCommand): Promise<SystemEventAnswer> {
    const command: SystemEventsCommand = {
      type: 'UpdateSystemEvent',
      data: { ...key, changes },
      metadata: { now: this.clock.now(), actor: envelope.actor },
    };
    return runForLiveAnswer(this.runner, tenantId, key, command, envelope);
  }
}

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
    if (outcome.kind === 'refused') throw refusalProblem(outcome.refusal);
    return { ...key, sequence: outcome.summary.sequence as number, position: String(outcome.position ?? 0n) };
  }
}

/** Start and update answer the event as it stands after the command, recorded with it for retries. */
async function runForLiveAnswer(
  runner: SystemEventsRunner,
  tenantId: string,
  key: SystemEventKey,
  command: SystemEventsCommand,
  envelope: CommandEnvelope,
): Promise<SystemEventAnswer> {
  const outcome = await runner.run(systemEventsStream(tenantId), command, envelope, (before, events) =>
    liveAnswer(before, key, events),
  );
  if (outcome.kind === 'refused') throw refusalProblem(outcome.refusal);
  return { ...outcome.summary, position: String(outcome.position ?? 0n) };
}

/** Reads `before` without changing it: the runner folds the events into that very state afterwards. */
function liveAnswer(before: SystemEventsState, key: SystemEventKey, events: SystemEventsEvent[]): LiveAnswer {
  const last = events[events.length - 1];
  const live = liveEvent(before, key);
  if (last?.type === 'SystemEventStarted') return answerOf(last.data);
  if (live && last?.type === 'SystemEventUpdated') return answerOf({ ...live, ...detailsOf(last.data) });
  if (live) return answerOf(live);
  throw new Error(`no live system event ${key.eventKey} after a command that was not refused`);
}

function answerOf(event: LiveSystemEvent): LiveAnswer {
  const { eventKey, scope, owner, status, message, eta, activatedAt, activatedBy, finishedAt, sequence } = event;
  return { eventKey, scope, owner, status, message, eta, activatedAt, activatedBy, finishedAt, sequence };
}
