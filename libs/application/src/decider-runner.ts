import type { EventSourcedDecider, Refusal } from '@app/domain';
import type { AppendResult, EventStore, Position } from '@app/event-store';
import { CachedStream, CachedStreams, CachedStreamsOptions } from './cached-streams';
import { chainDecisions, CommandEnvelope, commandHash, DomainEvent } from './command-events';
import { BatchResult, decideBatch, RunOutcome } from './decide-batch';
import { DurableAnswers } from './durable-answers';
import { CommandTurnFailedError } from './runner-errors';
import type { RunnerObserver } from './runner-observer';
import {
  afterFailedAppend,
  appendPipelined,
  computed,
  drainSoon,
  observed,
  PendingCommand,
  PendingRead,
  StreamQueue,
  withPosition,
} from './runner-turns';

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

/**
 * Runs commands against one decider: the I/O loop around the pure `decideBatch` and `chainDecisions`. Per stream,
 * commands queue up; each turn catches the cached state up with the stream, decides the queued commands (each sees
 * the events of those before it), and appends all their events in one append with the expected revision. So
 * commands of one process never conflict with each other and share one durable write; a conflict can only come
 * from another process, and then the turn's decisions are dropped, the state reloaded, and the commands decided
 * again (a bounded number of times). Turns are pipelined: the next turn starts once the previous append is
 * committed, while the store makes it durable (a WAL sync), and every answer waits until what it stands on is
 * durable (DurableAnswers: in turn order; a failed sync fails every command decided on the lost state).
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
      const hash = commandHash(command); // before the queue is made: a command that cannot be hashed leaves none
      const queue = this.queue(stream);
      queue.commands.push({
        command,
        commandId: envelope.commandId,
        envelope,
        hash,
        summarize,
        // Sound: this command's summary is what `summarize` returned, or what it returned the first time (a repeat).
        resolve: resolve as (outcome: RunOutcome<Event, unknown, Rejection>) => void,
        reject,
        conflicts: 0,
      });
      drainSoon(queue, () => void this.drain(stream)); // in the check phase: the commands of one poll join one turn
    });
    return observed(this.options.observer, this.name, command, outcome);
  }

  /** Runs `read` on the stream's state as recorded (no unconfirmed decisions), e.g. for a package dry run. */
  read<T>(stream: string, read: (state: State, lastPosition: Position | null) => T): Promise<T> {
    // At once, without a turn, when the stream is idle (no turn under way or queued, and no append still waiting to
    // be durable: until then the cached state holds decisions not yet recorded for good) and the cached state is
    // the stream as recorded: every usage record reads its tenant's ledger, and a turn costs a queue, three promises
    // and a catch-up. Otherwise a turn computes it, and it is answered after the turns before it (DurableAnswers).
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
      const created: StreamQueue<Command, Event, State, Rejection> = {
        commands: [],
        reads: [],
        busy: false,
        drainScheduled: false,
        answers: new DurableAnswers(() => this.dropIfIdle(stream, created)),
      };
      this.queues.set(stream, created);
      queue = created;
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
          await this.turn(stream, queue, reads, commands);
        } catch (error) {
          // No error of a turn may escape (an unhandled rejection would end the process): the turn's commands fail,
          // their unconfirmed decisions are forgotten, and the stream keeps serving. Settling twice is a no-op, so
          // commands the turn had already answered keep their answer (a failure is never an early "recorded").
          this.streams.forget(stream);
          const failed = new CommandTurnFailedError(stream, error);
          for (const waiting of [...reads, ...commands]) waiting.reject(failed);
        }
      }
    } finally {
      queue.busy = false;
      this.dropIfIdle(stream, queue);
      if (this.queues.get(stream) === queue && (queue.commands.length > 0 || queue.reads.length > 0))
        void this.drain(stream);
    }
  }

  /**
   * A stream is idle when no turn of it runs or is queued and every append it made is durable (its answers given):
   * only then may `read` answer from the cache without a turn, and a new queue start a new chain of answers.
   */
  private dropIfIdle(stream: string, queue: StreamQueue<Command, Event, State, Rejection>): void {
    const idle = !queue.busy && queue.commands.length === 0 && queue.reads.length === 0 && queue.answers.idle;
    if (idle && this.queues.get(stream) === queue) this.queues.delete(stream);
  }

  /**
   * One turn: load, decide (pure), chain (pure), append, answer. The turn ends once its append is COMMITTED, so the
   * stream's next turn is decided while the WAL sync runs; its answers are released once the append is DURABLE
   * (see DurableAnswers). Every answer of the turn waits, not only those it appends for: a refusal, a read or a
   * repeat stands on state that earlier turns committed and that is not durable yet.
   */
  private async turn(
    stream: string,
    queue: StreamQueue<Command, Event, State, Rejection>,
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
    // Computed now: the next turn may change the state in place before these are released.
    const early: Array<() => void> = [];
    for (const pending of reads) early.push(computed(pending, () => pending.read(cached.state, cached.lastPosition)));

    // The cached state is handed to the batch (evolve may update it in place): until the append commits, the cache
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
      if (answer.when === 'failed') early.push(() => pending.reject(answer.error));
      else if (answer.when === 'now') early.push(() => pending.resolve(answer.outcome));
      else {
        waiting.push(pending);
        answers.push(answer.outcome);
      }
    });
    const failAll = (error: unknown) => {
      for (const pending of [...reads, ...commands]) pending.reject(error);
    };
    const answerAll = (position: Position | null) => () => {
      for (const answer of early) answer();
      waiting.forEach((pending, index) => pending.resolve(withPosition(answers[index], position)));
    };
    if (batch.decisions.length === 0) {
      queue.answers.after(undefined, answerAll(cached.lastPosition), failAll);
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
    const started = process.hrtime.bigint();
    const append = appendPipelined(this.store, stream, chain.events, expected);
    let result: AppendResult;
    try {
      result = await append.committed;
    } catch (error) {
      this.streams.forget(stream);
      const { again, later } = afterFailedAppend(stream, error, waiting, early, this.options.maxAttempts ?? 10);
      queue.commands.unshift(...again);
      const settledHere = [...reads, ...commands.filter((pending) => !again.includes(pending))];
      queue.answers.after(
        undefined,
        () => later.forEach((answer) => answer()),
        (reason: unknown) => settledHere.forEach((pending) => pending.reject(reason)),
      );
      return;
    }
    const position = result.position;
    // Registered before anything else can throw: whatever happens to the turn now, its append is in the chain.
    queue.answers.after(
      append.durable.then(() => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.options.observer?.appended(this.name, seconds, chain.events.length);
      }),
      answerAll(position),
      (error: unknown) => {
        // Not durable (a failed WAL sync): nothing decided on it may be answered as recorded, and the cached state
        // holds it. The store refuses every later append until reopened, so later turns fail the same way.
        this.streams.forget(stream);
        failAll(error);
      },
    );
    cached.revision = result.nextExpectedRevision;
    cached.lastPosition = position;
    cached.lastHash = chain.lastHash;
    // Written as given, the hash computed here is the stored one, and while the stream's mark stays the one the store
    // gave this append, the next turn reads nothing; a repeat's (or an adapter's that cannot tell) is read back.
    cached.hashConfirmed = result.written === true;
    cached.readMark = cached.hashConfirmed ? result.streamMark : undefined;
    // Only the commands this turn recorded get the append's position (never a walk over the stream's commands); a
    // retry of one in a later turn is answered "repeated" once this append is durable (its answer waits in the chain).
    // A command whose id was made for it alone is never retried: it is not remembered (CommandEnvelope.freshId).
    for (const { commandIndex, commandId, hash, events, summary } of batch.decisions) {
      if (commands[commandIndex].envelope.freshId !== true)
        cached.commands.set(commandId, { hash, events, summary, position });
      for (const event of events) cached.tailBytes += this.streams.eventBytes(event);
    }
    // A snapshot may now be saved of state not yet durable: harmless, a snapshot serves only if the stream still
    // holds the event it ends with (see CachedStreams.catchUp), which a lost commit does not.
    this.streams.remember(stream, cached);
  }
}
