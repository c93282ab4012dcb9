import type { EventCodec } from './event-codec';

/**
 * The shape every aggregate follows: `decide` turns a command and the current state into new events or a refusal,
 * `evolve` folds one event into the state. Neither does I/O or reads a clock: time and outside facts arrive inside
 * the command.
 *
 * The mutation contract of `evolve`, which every decider keeps and every caller relies on: `evolve` may update the
 * state it is given in place, and returns the state to use from then on. A caller hands the state over: it never
 * reads or keeps a state after passing it to `evolve` (copy it first if it must). That keeps a replay of a stream of
 * any length linear, where copying a tenant's holdings on every event would make it quadratic. `decide` never
 * changes the state, and neither may anything else that only reads it (views, summaries).
 */
export interface Decider<Command, Event, State, Rejection extends Refusal = Refusal> {
  initialState(): State;
  decide(command: Command, state: State): Event[] | Rejection;
  evolve(state: State, event: Event): State;
}

/** A decider with the codec of its events: what a runner needs to rebuild its state from a stored stream. */
export interface EventSourcedDecider<
  Command,
  Event extends { type: string; data: unknown },
  State,
  Rejection extends Refusal = Refusal,
> extends Decider<Command, Event, State, Rejection> {
  readonly codec: EventCodec<Event>;
}

/**
 * A command the aggregate will not carry out. Nothing is recorded; the caller is told why. Each decider answers a
 * union of these, one member per code with the context that code carries, so a caller reads the context typed.
 */
export interface Refusal<Code extends string = string, Context extends object = object> {
  kind: 'refusal';
  code: Code;
  detail: string;
  context: Context;
}

/** The context of a refusal that says nothing beyond its code and detail. */
export type NoContext = Record<string, never>;

/** The context type of one code of a refusal union. */
export type RefusalContext<R extends Refusal, Code extends R['code']> = Extract<R, { code: Code }>['context'];

export function refuse<Code extends string>(code: Code, detail: string): Refusal<Code, NoContext>;
export function refuse<Code extends string, Context extends object>(
  code: Code,
  detail: string,
  context: Context,
): Refusal<Code, Context>;
export function refuse(code: string, detail: string, context: object = {}): Refusal {
  return { kind: 'refusal', code, detail, context };
}

export function isRefusal<Event, Rejection extends Refusal>(outcome: Event[] | Rejection): outcome is Rejection {
  return (
    typeof outcome === 'object' &&
    outcome !== null &&
    !Array.isArray(outcome) &&
    (outcome as { kind?: unknown }).kind === 'refusal'
  );
}

/** Makes a switch over a union fail to compile when a member is not handled. */
export function exhaustive(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}

export function fold<Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  events: Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}

/** Time and the acting principal, passed in with every command: the domain has no clock and no session. */
export interface CommandMetadata {
  /** ISO-8601 instant at which the command is decided. */
  now: string;
  /** Who asked (api key name, user id, service). */
  actor: string;
}
