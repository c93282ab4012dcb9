import type { Decider, Refusal } from '@app/domain';
import { isRefusal } from '@app/domain';
import type { Position } from '@app/event-store';

/**
 * The pure heart of a runner's turn: the commands queued for one stream, decided one after another against the
 * stream's state, each seeing the events of those before it. No store, no clock, no promises: the I/O loop
 * (`DeciderRunner`) loads the state before and appends what this answers after.
 */

/** What a command came to: recorded (now or by an earlier attempt with the same id), or refused by the decider. */
export type RunOutcome<Event, Summary, Rejection extends Refusal = Refusal> =
  | { kind: 'recorded'; events: Event[]; position: Position | null; summary: Summary; repeated: boolean }
  | { kind: 'refused'; refusal: Rejection };

/** The same command id was used earlier for a different command. */
export class CommandIdReusedError extends Error {
  constructor(readonly commandId: string) {
    super(`command id ${commandId} was already used for a different command`);
    this.name = 'CommandIdReusedError';
  }
}

/** A command the stream has recorded, kept by command id so that a retry answers from here. */
export interface RecordedCommand<Event> {
  hash: string;
  events: Event[];
  /** The answer given the first time, recorded in the events' metadata, so a retry gets the same answer. */
  summary: unknown;
  /** Null while the command's append is under way (or, read back, until its append's last event is read). */
  position: Position | null;
}

/** One queued command, as deciding needs it. */
export interface BatchCommand<Command, Event, State> {
  command: Command;
  commandId: string;
  /** Identifies what the command asks (see `commandHash`): a repeat of its id must ask the same. */
  hash: string;
  /** Sees the state just before the command's own events; describes exactly what this command changed. */
  summarize: (before: State, events: Event[]) => unknown;
}

/** The commands a stream recorded, by command id (a `Map`, or the runner's bounded `CommandMemory`). */
export interface RecordedCommands<Event> {
  get(commandId: string): RecordedCommand<Event> | undefined;
}

/** The stream as the turn starts: its state, the commands it recorded, and its last event's position. */
export interface BatchStart<Event, State> {
  state: State;
  recorded: RecordedCommands<Event>;
  lastPosition: Position | null;
}

/**
 * The answer to the command at the same index. `now`: it waits for nothing of this turn (its position is known).
 * `after-append`: it stands on decisions of this turn, so it is answered only once they are appended, with the
 * append's position (or, if the turn appends nothing, the stream's last position) — and decided again if the
 * append meets a concurrent writer. `failed`: deciding or summarizing threw, or the command id was reused.
 */
export type BatchAnswer<Event, Rejection extends Refusal> =
  | { when: 'now'; outcome: RunOutcome<Event, unknown, Rejection> }
  | { when: 'after-append'; outcome: RunOutcome<Event, unknown, Rejection> }
  | { when: 'failed'; error: unknown };

/** A command whose events this turn appends, in order. */
export interface Decision<Event> {
  commandIndex: number;
  commandId: string;
  hash: string;
  events: Event[];
  summary: unknown;
}

export interface BatchResult<Event, State, Rejection extends Refusal> {
  /** The state after every decision of the batch (the state given was handed over, see `Decider`). */
  state: State;
  decisions: Decision<Event>[];
  answers: BatchAnswer<Event, Rejection>[];
}

export function decideBatch<Command, Event, State, Rejection extends Refusal>(
  decider: Pick<Decider<Command, Event, State, Rejection>, 'decide' | 'evolve'>,
  start: BatchStart<Event, State>,
  commands: ReadonlyArray<BatchCommand<Command, Event, State>>,
): BatchResult<Event, State, Rejection> {
  let state = start.state;
  const decisions: Decision<Event>[] = [];
  const decidedNow = new Map<string, Decision<Event>>();
  // Once a command of the batch has events to append, every later answer stands on them.
  const timing = (): 'now' | 'after-append' => (decisions.length === 0 ? 'now' : 'after-append');
  const answers = commands.map((pending, commandIndex): BatchAnswer<Event, Rejection> => {
    const earlier = start.recorded.get(pending.commandId);
    if (earlier) return repeatOf(earlier, pending, 'now');
    const sameTurn = decidedNow.get(pending.commandId);
    // The same command id twice in one turn: the second is answered like a retry, once the first is appended.
    if (sameTurn) return repeatOf({ ...sameTurn, position: null }, pending, 'after-append');

    let decision: Event[] | Rejection;
    let summary: unknown;
    try {
      decision = decider.decide(pending.command, state);
      if (!isRefusal(decision)) summary = pending.summarize(state, decision);
    } catch (error) {
      return { when: 'failed', error };
    }
    if (isRefusal(decision)) return { when: timing(), outcome: { kind: 'refused', refusal: decision } };
    if (decision.length > 0) {
      for (const event of decision) state = decider.evolve(state, event);
      const decided: Decision<Event> = {
        commandIndex,
        commandId: pending.commandId,
        hash: pending.hash,
        events: decision,
        summary,
      };
      decisions.push(decided);
      decidedNow.set(pending.commandId, decided);
      return {
        when: 'after-append',
        outcome: { kind: 'recorded', events: decision, position: null, summary, repeated: false },
      };
    }
    const when = timing();
    return {
      when,
      outcome: {
        kind: 'recorded',
        events: [],
        position: when === 'now' ? start.lastPosition : null,
        summary,
        repeated: false,
      },
    };
  });
  return { state, decisions, answers };
}

function repeatOf<Event, Rejection extends Refusal>(
  earlier: RecordedCommand<Event>,
  pending: { commandId: string; hash: string },
  when: 'now' | 'after-append',
): BatchAnswer<Event, Rejection> {
  if (earlier.hash !== pending.hash) return { when: 'failed', error: new CommandIdReusedError(pending.commandId) };
  return {
    when,
    outcome: {
      kind: 'recorded',
      events: earlier.events,
      position: earlier.position,
      summary: earlier.summary,
      repeated: true,
    },
  };
}
