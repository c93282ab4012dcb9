/**
 * The shape every aggregate follows: `decide` turns a command and the current state into new events or a refusal,
 * `evolve` folds one event into the state. Both are pure; time and outside facts arrive inside the command.
 */
export interface Decider<Command, Event, State> {
  initialState(): State;
  decide(command: Command, state: State): Event[] | Refusal;
  evolve(state: State, event: Event): State;
}

/** A command the aggregate will not carry out. Nothing is recorded; the caller is told why. */
export interface Refusal<Code extends string = string> {
  kind: 'refusal';
  code: Code;
  detail: string;
  context: Record<string, unknown>;
}

export function refuse<Code extends string>(code: Code, detail: string, context: Record<string, unknown> = {}): Refusal<Code> {
  return { kind: 'refusal', code, detail, context };
}

export function isRefusal(outcome: unknown): outcome is Refusal {
  return typeof outcome === 'object' && outcome !== null && (outcome as Refusal).kind === 'refusal';
}

/** Makes a switch over a union fail to compile when a member is not handled. */
export function exhaustive(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}

export function fold<Event, State>(decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>, events: Event[]): State {
  return events.reduce(decider.evolve, decider.initialState());
}

/** Time and the acting principal, passed in with every command: the domain has no clock and no session. */
export interface CommandMetadata {
  /** ISO-8601 instant at which the command is decided. */
  now: string;
  /** Who asked (api key name, user id, service). */
  actor: string;
}
