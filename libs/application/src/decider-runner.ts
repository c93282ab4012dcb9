import type { EventSourcedDecider, Refusal } from '@app/domain';
import { EventStore, IdempotencyKeyConflictError, Position, WrongExpectedVersionError } from '@app/event-store';
import { CachedStream, CachedStreams, CachedStreamsOptions } from './cached-streams';
import { chainDecisions, CommandEnvelope, commandHash, DomainEvent } from './command-events';
import { BatchCommand, BatchResult, decideBatch, RunOutcome } from './decide-batch';
import { afterKeyConflict } from './idempotency-keys';
import { CommandTurnFailedError, ConcurrencyRetriesExhaustedError } from './runner-errors';
import type { RunnerObserver } from './runner-observer';

export { CommandIdReusedError } from './decide-batch';
export type { RunOutcome } from './decide-batch';
export type { CommandEnvelope, DomainEvent } from './command-events';
export { CommandTurnFailedError, ConcurrencyRetriesExhaustedError } from './runner-errors';

export interface DeciderRunnerOptions<State, Event> extends CachedStreamsOptions<State, Event> {
  /** How many concurrent-write conflicts a command may meet before it fails (10 by default). */
  maxAttempts?: number;
  /** The runner's name for its observer (metrics). */
  name?: string;
  /** Told how commands end and how long appends take; without one, the runner is not observed. */
  observer?: RunnerObserver;
}

const MAX_COMMANDS_PER_APPEND = 500;

interface PendingCommand<Command, Event, State, Rejection extends Refusal> extends BatchCommand<Command, Event, State> {
  envelope: CommandEnvelope;
  resolve: (outcome: RunOutcome<Event, unknown, Rejection>) => void;
  reject: (error: unknown) => void;
  conflicts: number;
}

interface PendingRead<State> {
  read: (state: State, lastPosition: Position | null) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface StreamQueue<Command, Event, State, Rejection extends Refusal> {
  commands: PendingCommand<Command, Event, State, Rejection>[];
  reads: PendingRead<State>[];
  busy: boolean;
}

/**
 * Runs commands against one decider: the I/O loop around the pure `decideBatch` and `chainDecisions`. Per stream,
 * commands queue up; each turn catches the cached state up with the stream, decides the queued commands (each sees
 * the events of those before it), and appends all their events in one append with the expected revision. So
 * commands of one process never conflict with each other and share one durable write; a conflict can only come
 * from another process, and then the turn's decisions are dropped, the state reloaded, and the commands decided
 * again (a bounded number of times).
 *
 * Event ids derive from the command id: a retry that races its own first attempt is collapsed by the store, and a
 * retry after the first attempt landed answers the recorded result without deciding again. The cached streams are
 * bounded by a memory budget, their command memories by a window, and loading a stream starts from its snapshot.
 */
export class DeciderRunner<Command, Event extends DomainEvent, State, Rejection extends Refusal = Refusal> {
  private readonly streams: CachedStreams<State, Event>;
  private readonly queues = new Map<string, StreamQueue<Command, Event, State, Rejection>>();

  constructor(
    private readonly store: EventStore,
    private readonly decider: EventSourcedDecider<Command, Event, State, Rejection>,
    private readonly options: DeciderRunnerOptions<State, Event> = {},
  ) {
    this.streams = new CachedStreams(store, decider, options);
    options.observer?.watch(this.name, () => this.streams.usage().streams);
  }

  private get name(): string {
    return this.options.name ?? 'runner';
  }

  /** What the cache holds now (for tests and health): streams and estimated bytes. */
  cacheUsage(): { streams: number; bytes: number } {
    return this.streams.usage();
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
  ): Promise<RunOutcome<Event, Summary, Rejection>> {
    const outcome = new Promise<RunOutcome<Event, Summary, Rejection>>((resolve, reject) => {
      this.queue(stream).commands.push({
        command,
        commandId: envelope.commandId,
        envelope,
        hash: commandHash(command),
        summarize,
        // Sound: this command's summary is what `summarize` returned, or what it returned the first time (a repeat).
        resolve: resolve as (outcome: RunOutcome<Event, unknown, Rejection>) => void,
        reject,
        conflicts: 0,
      });
      // Started a microtask later, so that commands issued in the same tick join one turn.
      queueMicrotask(() => void this.drain(stream));
    });
    return this.observed(command, outcome);
  }

  /** Tells the observer (metrics) how the command ended; the outcome itself passes through unchanged. */
  private observed<T extends RunOutcome<Event, unknown, Rejection>>(command: Command, outcome: Promise<T>): Promise<T> {
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
    // At once, without a turn, when no turn of the stream is under way or queued (a turn's cached state may hold
    // decisions not yet recorded) and the cached state is the stream as recorded: every usage record reads its
    // tenant's ledger, and a turn costs a queue, three promises and a catch-up.
    if (!this.queues.has(stream)) {
      const recorded = this.streams.unchanged(stream);
      if (recorded) {
        try {
          return Promise.resolve(read(recorded.state, recorded.lastPosition));
        } catch (error) {
          return Promise.reject(error);
        }
      }
    }
    return new Promise((resolve, reject) => {
      this.queue(stream).reads.push({ read, resolve: resolve as (value: unknown) => void, reject });
      void this.drain(stream);
    });
  }

  /** Resolves once every snapshot save under way has ended (saved or reported): for a graceful stop, and tests. */
  async snapshotsSaved(): Promise<void> {
    await this.streams.snapshotsSaved();
  }

  private queue(stream: string): StreamQueue<Command, Event, State, Rejection> {
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
          this.streams.forget(stream);
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

  /** One turn: load, decide (pure), chain (pure), append, answer. */
  private async turn(
    stream: string,
    reads: PendingRead<State>[],
    commands: PendingCommand<Command, Event, State, Rejection>[],
  ): Promise<void> {
    let cached: CachedStream<State, Event>;
    try {
      cached = await this.streams.catchUp(stream);
    } catch (error) {
      for (const waiting of [...reads, ...commands]) waiting.reject(error);
      return;
    }
    for (const pending of reads) settle(pending, () => pending.read(cached.state, cached.lastPosition));

    // The cached state is handed to the batch (evolve may update it in place): until the append lands, the cache
    // holds decisions that are not yet recorded, so any failure from here on must forget it.
    let batch: BatchResult<Event, State, Rejection>;
    try {
      batch = decideBatch(
        this.decider,
        { state: cached.state, recorded: cached.commands, lastPosition: cached.lastPosition },
        commands,
      );
    } catch (error) {
      this.streams.forget(stream);
      throw error;
    }
    cached.state = batch.state;
    const waiting: PendingCommand<Command, Event, State, Rejection>[] = [];
    const answers: Array<RunOutcome<Event, unknown, Rejection>> = [];
    batch.answers.forEach((answer, index) => {
      const pending = commands[index];
      if (answer.when === 'failed') pending.reject(answer.error);
      else if (answer.when === 'now') pending.resolve(answer.outcome);
      else {
        waiting.push(pending);
        answers.push(answer.outcome);
      }
    });
    if (batch.decisions.length === 0) {
      waiting.forEach((pending, index) => pending.resolve(withPosition(answers[index], cached.lastPosition)));
      return;
    }

    const expected = cached.revision;
    const chain = chainDecisions({
      stream,
      firstRevision: expected === 'no_stream' ? 0 : expected + 1,
      previousHash: cached.lastHash,
      decisions: batch.decisions,
      envelopeOf: (decision) => commands[decision.commandIndex].envelope,
      versionOf: (type) => this.decider.codec.currentVersion(type),
    });
    let position: Position;
    let written: boolean;
    try {
      const started = process.hrtime.bigint();
      const result = await this.store.append(stream, chain.events, expected);
      this.options.observer?.appended(this.name, Number(process.hrtime.bigint() - started) / 1e9, chain.events.length);
      cached.revision = result.nextExpectedRevision;
      position = result.position;
      written = result.written === true;
    } catch (error) {
      this.streams.forget(stream);
      if (error instanceof IdempotencyKeyConflictError) {
        this.queue(stream).commands.unshift(...afterKeyConflict(waiting, error));
        return;
      }
      if (!(error instanceof WrongExpectedVersionError)) {
        for (const pending of waiting) pending.reject(error);
        return;
      }
      // The turn's decisions were made on a state that did not come to be: decide them again on the reloaded one.
      const maxAttempts = this.options.maxAttempts ?? 10;
      const again = waiting.filter((pending) => {
        pending.conflicts++;
        if (pending.conflicts < maxAttempts) return true;
        pending.reject(new ConcurrencyRetriesExhaustedError(stream, pending.conflicts, error));
        return false;
      });
      this.queue(stream).commands.unshift(...again);
      return;
    }
    cached.lastPosition = position;
    cached.lastHash = chain.lastHash;
    // Written as given, the hash computed here is the stored one; a repeat's (or an adapter's that cannot tell) is
    // read back by the next catch-up (see CachedStream).
    cached.hashConfirmed = written;
    // Only the commands this turn recorded get the append's position: never a walk over the stream's commands.
    for (const { commandId, hash, events, summary } of batch.decisions) {
      cached.commands.set(commandId, { hash, events, summary, position });
      for (const event of events) cached.tailBytes += this.streams.eventBytes(event);
    }
    waiting.forEach((pending, index) => pending.resolve(withPosition(answers[index], position)));
    this.streams.remember(stream, cached);
  }
}

function withPosition<Event, Rejection extends Refusal>(
  outcome: RunOutcome<Event, unknown, Rejection>,
  position: Position | null,
): RunOutcome<Event, unknown, Rejection> {
  return outcome.kind === 'recorded' ? { ...outcome, position } : outcome;
}

function settle<T>(pending: { resolve: (value: T) => void; reject: (error: unknown) => void }, compute: () => T): void {
  try {
    pending.resolve(compute());
  } catch (error) {
    pending.reject(error);
  }
}
