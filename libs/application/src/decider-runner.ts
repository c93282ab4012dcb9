import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { v5 as uuidV5 } from 'uuid';
import type { Decider, Refusal } from '@app/domain';
import { isRefusal } from '@app/domain';
import {
  EventStore,
  EventMetadata,
  JsonObject,
  NewEvent,
  Position,
  RecordedEvent,
  Revision,
  WrongExpectedVersionError,
} from '@app/event-store';
import { chainEvents, storedHash } from './event-chain';
import type { RunnerObserver } from './runner-observer';

/** Who sent a command and under which ids; becomes the metadata of every event the command records. */
export interface CommandEnvelope {
  /** Retries with the same id are idempotent. */
  commandId: string;
  correlationId: string;
  actor: string;
  tenant: string;
}

export interface DomainEvent {
  type: string;
  data: object;
}

export type RunOutcome<Event, Summary> =
  | { kind: 'recorded'; events: Event[]; position: Position | null; summary: Summary; repeated: boolean }
  | { kind: 'refused'; refusal: Refusal };

/** The same command id was used earlier for a different command. */
export class CommandIdReusedError extends Error {
  constructor(readonly commandId: string) {
    super(`command id ${commandId} was already used for a different command`);
    this.name = 'CommandIdReusedError';
  }
}

/**
 * Something inside a turn failed that no rule foresaw (a bug, a value canonical JSON cannot express, …). Every
 * command of the turn fails with it; the message names nothing internal, the cause is kept for the log.
 */
export class CommandTurnFailedError extends Error {
  constructor(
    readonly stream: string,
    cause: unknown,
  ) {
    super('the command could not be completed');
    this.name = 'CommandTurnFailedError';
    this.cause = cause;
  }
}

/** Every retry met a concurrent writer; the last conflict is kept as the cause. */
export class ConcurrencyRetriesExhaustedError extends Error {
  constructor(
    readonly stream: string,
    readonly attempts: number,
    cause: WrongExpectedVersionError,
  ) {
    super(`stream ${stream}: gave up after ${attempts} concurrent-write conflicts`);
    this.name = 'ConcurrencyRetriesExhaustedError';
    this.cause = cause;
  }
}

interface RecordedCommand<Event> {
  hash: string;
  events: Event[];
  /** The answer given the first time, recorded in the events' metadata, so a retry gets the same answer. */
  summary: unknown;
  /** Null while the command's append is under way. */
  position: Position | null;
}

interface CachedStream<State, Event> {
  state: State;
  revision: Revision | 'no_stream';
  /** Commands already recorded in this stream, by command id: a retry answers from here. */
  commands: Map<string, RecordedCommand<Event>>;
  lastPosition: Position | null;
  /** The hash of the stream's last event as stored: the next event's `previousHash` (see event-chain.ts). */
  lastHash: string | null;
}

/** Metadata field: the revision of the last event of the append that recorded the event. */
const APPEND_END = 'appendEnd';
const EVENT_ID_NAMESPACE = '6f1c1a52-8a3e-4d55-9e26-3f2f4b0d7c11';
const MAX_COMMANDS_PER_APPEND = 500;

interface PendingCommand<Command, Event, State> {
  command: Command;
  envelope: CommandEnvelope;
  hash: string;
  summarize: (before: State, events: Event[]) => unknown;
  resolve: (outcome: RunOutcome<Event, unknown>) => void;
  reject: (error: unknown) => void;
  conflicts: number;
}

interface PendingRead<State> {
  read: (state: State, lastPosition: Position | null) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface StreamQueue<Command, Event, State> {
  commands: PendingCommand<Command, Event, State>[];
  reads: PendingRead<State>[];
  busy: boolean;
}

/**
 * Runs commands against one decider. Per stream, commands queue up; each turn catches the cached state up with the
 * stream, decides the queued commands one after another (each sees the events of those before it), and appends
 * all their events in one append with the expected revision. So commands of one process never conflict with each
 * other and share one durable write; a conflict can only come from another process, and then the turn's decisions
 * are dropped, the state reloaded, and the commands decided again (a bounded number of times).
 *
 * Event ids derive from the command id: a retry that races its own first attempt is collapsed by the store, and a
 * retry after the first attempt landed answers the recorded result without deciding again.
 */
export class DeciderRunner<Command, Event extends DomainEvent, State> {
  private readonly cache = new Map<string, CachedStream<State, Event>>();
  private readonly queues = new Map<string, StreamQueue<Command, Event, State>>();

  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<Command, Event, State>,
    private readonly options: { maxAttempts?: number; maxCachedStreams?: number; name?: string; observer?: RunnerObserver } = {},
  ) {
    options.observer?.watch(this.name, () => this.cache.size);
  }

  private get name(): string {
    return this.options.name ?? 'runner';
  }

  /**
   * `summarize` sees the state just before the command's own events; it describes exactly what this command
   * changed. The answer's position is that of the append that recorded the command (its last event or later).
   */
  run<Summary>(
    stream: string,
    command: Command,
    envelope: CommandEnvelope,
    summarize: (before: State, events: Event[]) => Summary,
  ): Promise<RunOutcome<Event, Summary>> {
    const outcome = new Promise<RunOutcome<Event, Summary>>((resolve, reject) => {
      this.queue(stream).commands.push({
        command,
        envelope,
        hash: commandHash(command),
        summarize,
        resolve: resolve as (outcome: RunOutcome<Event, unknown>) => void,
        reject,
        conflicts: 0,
      });
      // Started a microtask later, so that commands issued in the same tick join one turn.
      queueMicrotask(() => void this.drain(stream));
    });
    const observer = this.options.observer;
    if (!observer) return outcome;
    const type = (command as { type?: unknown }).type;
    const name = typeof type === 'string' ? type : 'unknown';
    return outcome.then(
      (settled) => {
        if (settled.kind === 'refused') observer.commandSettled(this.name, name, 'refused', settled.refusal.code);
        else observer.commandSettled(this.name, name, settled.repeated ? 'repeated' : 'recorded');
        return settled;
      },
      (error: unknown) => {
        observer.commandSettled(this.name, name, 'failed', error instanceof Error ? error.name : 'Error');
        throw error;
      },
    );
  }

  /** Runs `read` on the stream's state as recorded (no unconfirmed decisions), e.g. for a package dry run. */
  read<T>(stream: string, read: (state: State, lastPosition: Position | null) => T): Promise<T> {
    return new Promise((resolve, reject) => {
      this.queue(stream).reads.push({ read, resolve: resolve as (value: unknown) => void, reject });
      void this.drain(stream);
    });
  }

  private queue(stream: string): StreamQueue<Command, Event, State> {
    let queue = this.queues.get(stream);
    if (!queue) {
      queue = { commands: [], reads: [], busy: false };
      this.queues.set(stream, queue);
    }
    return queue;
  }

  private async drain(stream: string): Promise<void> {
    const queue = this.queue(stream);
    if (queue.busy) return;
    queue.busy = true;
    try {
      while (queue.commands.length > 0 || queue.reads.length > 0) {
        const reads = queue.reads.splice(0);
        const commands = queue.commands.splice(0, MAX_COMMANDS_PER_APPEND);
        try {
          await this.turn(stream, reads, commands);
        } catch (error) {
          // No error of a turn may escape (an unhandled rejection would end the process): the turn's commands fail,
          // their unconfirmed decisions are forgotten, and the stream keeps serving. Settling twice is a no-op, so
          // commands the turn had already answered keep their answer.
          this.cache.delete(stream);
          const failed = new CommandTurnFailedError(stream, error);
          for (const waiting of [...reads, ...commands]) waiting.reject(failed);
        }
      }
    } finally {
      queue.busy = false;
      if (queue.commands.length === 0 && queue.reads.length === 0) this.queues.delete(stream);
      else void this.drain(stream);
    }
  }

  private async turn(stream: string, reads: PendingRead<State>[], commands: PendingCommand<Command, Event, State>[]): Promise<void> {
    let cached: CachedStream<State, Event>;
    try {
      cached = await this.catchUp(stream);
    } catch (error) {
      for (const waiting of [...reads, ...commands]) waiting.reject(error);
      return;
    }
    for (const pending of reads) settle(pending, () => pending.read(cached.state, cached.lastPosition));

    const expected = cached.revision;
    const toAppend: Array<NewEvent & { id: string; metadata: EventMetadata }> = [];
    const firstRevision = expected === 'no_stream' ? 0 : expected + 1;
    // Commands decided on top of another command's unconfirmed events are answered only once the append lands.
    const held: Array<{ pending: PendingCommand<Command, Event, State>; answer: (position: Position | null) => RunOutcome<Event, unknown> }> = [];
    for (const pending of commands) {
      const earlier = cached.commands.get(pending.envelope.commandId);
      if (earlier && earlier.position !== null) {
        settle(pending, () => this.repeat(earlier, pending));
        continue;
      }
      if (earlier) {
        // The same command id twice in one turn: the second waits for the first's append.
        held.push({ pending, answer: (position) => this.repeat({ ...earlier, position }, pending) });
        continue;
      }
      let decision: Event[] | Refusal;
      let summary: unknown;
      try {
        decision = this.decider.decide(pending.command, cached.state);
        if (!isRefusal(decision)) summary = pending.summarize(cached.state, decision);
      } catch (error) {
        pending.reject(error);
        continue;
      }
      const outcome = decision;
      if (isRefusal(outcome)) {
        const answer = () => ({ kind: 'refused', refusal: outcome }) as RunOutcome<Event, unknown>;
        if (toAppend.length === 0) pending.resolve(answer());
        else held.push({ pending, answer });
        continue;
      }
      if (outcome.length === 0) {
        const answer = (position: Position | null) => ({ kind: 'recorded', events: [], position, summary, repeated: false }) as RunOutcome<Event, unknown>;
        if (toAppend.length === 0) pending.resolve(answer(cached.lastPosition));
        else held.push({ pending, answer });
        continue;
      }
      for (const event of outcome) cached.state = this.decider.evolve(cached.state, event);
      cached.commands.set(pending.envelope.commandId, { hash: pending.hash, events: outcome, summary, position: null });
      outcome.forEach((event, index) => {
        toAppend.push({
          id: uuidV5(`${pending.envelope.commandId}:${index}`, EVENT_ID_NAMESPACE),
          type: event.type,
          data: event.data as JsonObject,
          metadata: metadataOf(pending.envelope, pending.hash, summary),
        });
      });
      held.push({ pending, answer: (position) => ({ kind: 'recorded', events: outcome, position, summary, repeated: false }) });
    }
    if (toAppend.length === 0) {
      for (const { pending, answer } of held) settle(pending, () => answer(cached.lastPosition));
      return;
    }

    // Every command of the append is answered with the append's position: its last event's. Each event records that
    // event's revision, so that a repeat read back from the stream (after a restart) answers the same position.
    const appendEnd = firstRevision + toAppend.length - 1;
    const chain = chainEvents(stream, firstRevision, cached.lastHash, toAppend.map((event) => ({ ...event, metadata: { ...event.metadata, [APPEND_END]: appendEnd } })));
    try {
      const started = process.hrtime.bigint();
      const result = await this.store.append(stream, chain.events, expected);
      this.options.observer?.appended(this.name, Number(process.hrtime.bigint() - started) / 1e9, chain.events.length);
      cached.revision = result.nextExpectedRevision;
      cached.lastPosition = result.position;
      cached.lastHash = chain.lastHash;
      for (const recorded of cached.commands.values()) if (recorded.position === null) recorded.position = result.position;
      for (const { pending, answer } of held) settle(pending, () => answer(result.position));
    } catch (error) {
      // The turn's decisions were made on a state that did not come to be: forget it, reload, decide again.
      this.cache.delete(stream);
      if (!(error instanceof WrongExpectedVersionError)) {
        for (const { pending } of held) pending.reject(error);
        return;
      }
      const maxAttempts = this.options.maxAttempts ?? 10;
      const again = held.map(({ pending }) => pending).filter((pending) => {
        pending.conflicts++;
        if (pending.conflicts < maxAttempts) return true;
        pending.reject(new ConcurrencyRetriesExhaustedError(stream, pending.conflicts, error));
        return false;
      });
      this.queue(stream).commands.unshift(...again);
    }
  }

  private repeat(earlier: RecordedCommand<Event>, pending: PendingCommand<Command, Event, State>): RunOutcome<Event, unknown> {
    if (earlier.hash !== pending.hash) throw new CommandIdReusedError(pending.envelope.commandId);
    return { kind: 'recorded', events: earlier.events, position: earlier.position, summary: earlier.summary, repeated: true };
  }

  private async catchUp(stream: string): Promise<CachedStream<State, Event>> {
    let cached = this.cache.get(stream);
    if (!cached) {
      cached = { state: this.decider.initialState(), revision: 'no_stream', commands: new Map(), lastPosition: null, lastHash: null };
    }
    // The read starts at the last event already folded, to take its hash as stored. What this process computed
    // when appending may differ: a retry that the store answered as a repeat of another process's append.
    const known = cached.revision;
    const read = await this.store.readStream(stream, { fromRevision: known === 'no_stream' ? 0 : known });
    if (read.status === 'found') {
      try {
        const awaitingEnd = new Map<Revision, RecordedCommand<Event>[]>();
        for (const recorded of read.events) {
          if (known !== 'no_stream' && recorded.revision <= known) cached.lastHash = storedHash(recorded.metadata);
          else this.apply(cached, recorded, awaitingEnd);
        }
      } catch (error) {
        // A half-applied fold must never serve a later command.
        this.cache.delete(stream);
        throw error;
      }
    }
    this.remember(stream, cached);
    return cached;
  }

  private apply(cached: CachedStream<State, Event>, recorded: RecordedEvent, awaitingEnd: Map<Revision, RecordedCommand<Event>[]>): void {
    const event = { type: recorded.type, data: recorded.data } as unknown as Event;
    cached.state = this.decider.evolve(cached.state, event);
    cached.revision = recorded.revision;
    cached.lastPosition = recorded.position;
    cached.lastHash = storedHash(recorded.metadata);
    const commandId = recorded.metadata.commandId;
    if (typeof commandId === 'string') {
      let earlier = cached.commands.get(commandId);
      if (earlier) {
        earlier.events.push(event);
        earlier.position = recorded.position;
      } else {
        earlier = { hash: String(recorded.metadata.commandHash), events: [event], summary: recorded.metadata.result, position: recorded.position };
        cached.commands.set(commandId, earlier);
      }
      // Answered first with the position of its append's last event (events recorded before APPEND_END existed
      // keep their own last event's position).
      const end = recorded.metadata[APPEND_END];
      if (typeof end === 'number' && end > recorded.revision) awaitingEnd.set(end, [...(awaitingEnd.get(end) ?? []), earlier]);
    }
    for (const command of awaitingEnd.get(recorded.revision) ?? []) command.position = recorded.position;
    awaitingEnd.delete(recorded.revision);
  }

  private remember(stream: string, cached: CachedStream<State, Event>): void {
    this.cache.delete(stream);
    this.cache.set(stream, cached);
    const limit = this.options.maxCachedStreams ?? 1000;
    while (this.cache.size > limit) this.cache.delete(this.cache.keys().next().value!);
  }
}

function settle<T>(pending: { resolve: (value: T) => void; reject: (error: unknown) => void }, compute: () => T): void {
  try {
    pending.resolve(compute());
  } catch (error) {
    pending.reject(error);
  }
}

function metadataOf(envelope: CommandEnvelope, hash: string, result: unknown): EventMetadata {
  return {
    ...(result === undefined ? {} : { result: result as JsonObject }),
    correlationId: envelope.correlationId,
    causationId: envelope.commandId,
    actor: envelope.actor,
    tenant: envelope.tenant,
    commandId: envelope.commandId,
    commandHash: hash,
  };
}

/** Identifies what a command asks, leaving out when it was asked (`metadata.now`), which differs between retries. */
function commandHash(command: unknown): string {
  const { metadata: _, ...rest } = command as { metadata?: unknown };
  return createHash('sha256').update(canonicalize(rest) ?? '').digest('hex');
}
