import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AllStreamResolvedEvent,
  ANY,
  AppendResult,
  AppendStreamState,
  AppendToStreamOptions,
  BACKWARDS,
  END,
  EventData,
  Filter,
  NO_STREAM,
  Position as LogPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  ResolvedEvent,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  SubscribeToAllOptions,
  UnavailableError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { deadlineExceeded, invalidPosition, notLeader } from './kurrentdb-server-errors';
import type { KurrentClient } from '../../src/kurrentdb/kurrentdb-event-store';
import type { ClientAllSubscription } from '../../src/kurrentdb/resubscribing-subscription';

type Stored = RecordedEvent & { position: LogPosition };

const FIRST_OFFSET = 4_096n;

/**
 * An in-memory model of a KurrentDB server behind the client calls the adapter makes, following the server's
 * documented behaviour (and its source, where the documentation is silent):
 *
 * - every appended event is self-committed: its position is `{commit: p, prepare: p}` at its own log offset;
 * - an append with an exact expected revision (or no_stream) that is older than the stream and matches the ids
 *   recorded after it is an idempotent success *without* a position; a partial match is a wrong expected version;
 * - with `any`, idempotency is best effort: a repeat of a whole recent append is recognised, but an id reused in a
 *   different append is written again (the behaviour the adapter must not rely on);
 * - reading `$all` forwards from a position includes the event at it; backwards excludes it;
 * - a subscription from a position starts after it; `unsubscribe()` cancels the call but does not end the
 *   readable (as the client's does), so a consumer must destroy it;
 * - KurrentDB writes its own `$`-events (statistics) into `$all`;
 * - a `$all` read or subscription from a position inside the log that is no event's position fails as the server's
 *   does ("Trying to read from an invalid position", gRPC Unknown);
 * - scripted failures (issue 13, item 18): a follower answering not-leader, a subscription the server confirms and
 *   then drops, reads that never answer until their deadline.
 */
export class InMemoryKurrentDbClient implements KurrentClient {
  private readonly log: Stored[] = [];
  private nextOffset = FIRST_OFFSET;
  private readonly subscriptions = new Set<ModelSubscription>();
  /** Every expected state the adapter sent, in order. */
  readonly appendStates: AppendStreamState[] = [];
  /** Every position a subscription was opened from. */
  readonly subscribedFrom: Array<LogPosition | typeof START | typeof END | undefined> = [];
  /** Every read's options (stream and `$all`), in order. */
  readonly readOptions: Array<ReadStreamOptions | ReadAllOptions> = [];
  disposed = false;
  /** The next this many appends are answered by a follower: not-leader, nothing written. */
  notLeaderAppends = 0;
  /** Reads hang until their deadline (or forever without one), as a server that stopped answering. */
  silentReads = false;
  /** The next subscriptions are confirmed and then fail with these errors, one each, before delivering anything. */
  readonly failAfterConfirming: Error[] = [];

  async appendToStream(stream: string, events: EventData[], options: AppendToStreamOptions): Promise<AppendResult> {
    const state = options.streamState ?? ANY;
    this.appendStates.push(state);
    if (this.notLeaderAppends > 0) {
      this.notLeaderAppends--;
      throw notLeader();
    }
    const recorded = this.log.filter((e) => e.streamId === stream);
    const current = recorded.length === 0 ? -1 : Number(recorded[recorded.length - 1].revision);
    const wrong = () =>
      new WrongExpectedVersionError(undefined, {
        streamName: stream,
        expected: state,
        current: current < 0 ? NO_STREAM : BigInt(current),
      });
    const ids = events.map((e) => e.id);
    const repeatAt = (from: number) => ids.every((id, i) => recorded[from + i]?.id === id);
    if (state === ANY || state === STREAM_EXISTS) {
      if (state === STREAM_EXISTS && current < 0) throw wrong();
      const first = recorded.findIndex((e) => e.id === ids[0]);
      if (first >= 0 && repeatAt(first))
        return { success: true, nextExpectedRevision: BigInt(first + ids.length - 1), position: undefined };
      return this.write(stream, events, current);
    }
    const expected = state === NO_STREAM ? -1 : Number(state);
    if (expected === current) return this.write(stream, events, current);
    if (expected < current && repeatAt(expected + 1)) {
      return { success: true, nextExpectedRevision: BigInt(expected + ids.length), position: undefined };
    }
    throw wrong();
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<ResolvedEvent> {
    const log = this.log;
    this.readOptions.push(options);
    const silence = this.silence(options.deadline);
    return (async function* () {
      await silence;
      const recorded = log.filter((e) => e.streamId === stream);
      if (recorded.length === 0) throw new StreamNotFoundError(undefined, stream);
      const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
      const backwards = options.direction === BACKWARDS;
      const from = options.fromRevision;
      const selected = backwards
        ? recorded.filter((e) => from === END || from === undefined || e.revision <= (from as bigint)).reverse()
        : recorded.filter((e) => from === START || from === undefined || e.revision >= (from as bigint));
      for (const event of selected.slice(0, max)) yield { event: copy(event) };
    })();
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<AllStreamResolvedEvent> {
    const log = this.log;
    this.readOptions.push(options);
    const silence = this.silence(options.deadline);
    const invalid = this.isInvalidPosition(options.fromPosition);
    return (async function* () {
      await silence;
      if (invalid) throw invalidPosition();
      const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
      const from = options.fromPosition ?? (options.direction === BACKWARDS ? END : START);
      const matching = log.filter((e) => passes(e, options.filter));
      const selected =
        options.direction === BACKWARDS
          ? matching.filter((e) => from === END || e.position.commit < (from as LogPosition).commit).reverse()
          : matching.filter((e) => from === START || e.position.commit >= (from as LogPosition).commit);
      for (const event of selected.slice(0, max)) yield { event: copy(event), commitPosition: event.position.commit };
    })();
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): ClientAllSubscription {
    this.subscribedFrom.push(options.fromPosition);
    const failure = this.isInvalidPosition(options.fromPosition) ? invalidPosition() : this.failAfterConfirming.shift();
    const from = options.fromPosition ?? START;
    const start =
      from === START ? 0 : from === END ? this.log.length : this.log.findIndex((e) => e.position.commit > from.commit);
    const subscription = new ModelSubscription(this.log, start < 0 ? this.log.length : start, options.filter, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    // The server confirms first, then fails the call: the confirmation says nothing about catching up.
    if (failure) {
      subscription.deliversNothing = true;
      subscription.once('confirmation', () => setImmediate(() => subscription.destroy(failure)));
    }
    return subscription;
  }

  /** The server's head: the position the next record will take. */
  get endOfLog(): bigint {
    return this.nextOffset;
  }

  private isInvalidPosition(from: ReadAllOptions['fromPosition']): boolean {
    if (from === undefined || from === START || from === END) return false;
    const commit = from.commit;
    // Inside the written log, a position must be one of its records'; before the first or at the end it is a boundary.
    return (
      commit > 0n &&
      commit < this.nextOffset &&
      commit !== FIRST_OFFSET &&
      !this.log.some((e) => e.position.commit === commit)
    );
  }

  /** Resolves at once, unless reads are silent: then fails at the deadline, or never without one. */
  private silence(deadline: number | undefined): Promise<void> {
    if (!this.silentReads) return Promise.resolve();
    return new Promise((_, reject) => {
      if (deadline !== undefined) setTimeout(() => reject(deadlineExceeded()), deadline);
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const subscription of this.subscriptions) subscription.destroy();
  }

  /** KurrentDB's own bookkeeping in `$all`: a statistics event with binary data, as the server writes them. */
  writeSystemEvent(): void {
    const position = this.take(64);
    this.log.push({
      streamId: '$stats-127.0.0.1:2113',
      id: randomUUID(),
      isJson: false,
      revision: BigInt(this.log.filter((e) => e.streamId.startsWith('$stats')).length),
      type: '$statsCollected',
      created: new Date(),
      data: new Uint8Array([1, 2, 3]),
      metadata: undefined,
      position,
    });
    this.wake();
  }

  /** Every open subscription fails as a dropped connection does. */
  dropSubscriptions(): void {
    for (const subscription of [...this.subscriptions])
      subscription.destroy(new UnavailableError(undefined, 'connection lost'));
  }

  get openSubscriptions(): number {
    return this.subscriptions.size;
  }

  private write(stream: string, events: EventData[], current: number): AppendResult {
    let revision = current;
    let last: LogPosition | undefined;
    for (const event of events) {
      revision++;
      const data = JSON.stringify(event.data);
      last = this.take(100 + data.length);
      this.log.push({
        streamId: stream,
        id: event.id,
        isJson: true,
        revision: BigInt(revision),
        type: event.type,
        created: new Date(),
        data: JSON.parse(data),
        metadata: event.metadata === undefined ? undefined : JSON.parse(JSON.stringify(event.metadata)),
        position: last,
      });
    }
    this.wake();
    return { success: true, nextExpectedRevision: BigInt(revision), position: last };
  }

  private take(size: number): LogPosition {
    const offset = this.nextOffset;
    this.nextOffset += BigInt(size);
    return { commit: offset, prepare: offset };
  }

  private wake(): void {
    for (const subscription of this.subscriptions) subscription.poke();
  }
}

class ModelSubscription extends Readable implements ClientAllSubscription {
  private cancelled = false;
  /** A subscription that will fail before it catches up delivers nothing. */
  deliversNothing = false;

  constructor(
    private readonly log: Stored[],
    private next: number,
    private readonly serverFilter: Filter | undefined,
    private readonly onClose: () => void,
  ) {
    super({ objectMode: true, highWaterMark: 16 });
    setImmediate(() => this.emit('confirmation'));
    this.once('close', onClose);
  }

  async unsubscribe(): Promise<void> {
    this.cancelled = true;
    this.onClose();
  }

  poke(): void {
    this._read();
  }

  override _read(): void {
    while (!this.cancelled && !this.destroyed && !this.deliversNothing && this.next < this.log.length) {
      const event = this.log[this.next++];
      if (!passes(event, this.serverFilter)) continue;
      if (!this.push({ event: copy(event), commitPosition: event.position.commit })) return;
    }
  }
}

function passes(event: Stored, filter: Filter | undefined): boolean {
  if (!filter) return true;
  const value = filter.filterOn === 'streamName' ? event.streamId : event.type;
  if ('prefixes' in filter) return filter.prefixes.some((prefix) => value.startsWith(prefix));
  return new RegExp(filter.regex).test(value);
}

function copy(event: Stored): Stored {
  return { ...event, position: { ...event.position } };
}
