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
import type { CommandEnvelope } from '../command-events';
import type { SystemEventsRunner } from '../system-events/system-events-runner';
import { CommandRefusedError } from './command-refused.error';

/** What a command answers of a live system event: everything the feed shows. */
type LiveAnswer = Pick<
  LiveSystemEvent,
  | 'eventKey'
  | 'scope'
  | 'owner'
  | 'status'
  | 'message'
  | 'eta'
  | 'activatedAt'
  | 'activatedBy'
  | 'finishedAt'
  | 'sequence'
>;

/** A live system event as a command answers it: everything the feed shows, and the position to wait for. */
export interface SystemEventAnswer extends LiveAnswer {
  position: string;
}

/** Start and update answer the event as it stands after the command, recorded with it for retries. */
export async function runForLiveAnswer(
  runner: SystemEventsRunner,
  tenantId: string,
  key: SystemEventKey,
  command: SystemEventsCommand,
  envelope: CommandEnvelope,
): Promise<SystemEventAnswer> {
  const outcome = await runner.run(systemEventsStream(tenantId), command, envelope, (before, events) =>
    liveAnswer(before, key, events),
  );
  if (outcome.kind === 'refused') throw new CommandRefusedError(outcome.refusal);
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
