import type { EventSourcedDecider, StateCodec } from '@app/domain';
import type { EventStore, RecordedEvent, Revision } from '@app/event-store';
import { BudgetedCache } from './budgeted-cache';
import { APPEND_END, DomainEvent } from './command-events';
import { CommandMemory, CommandMemoryLimits, UNBOUNDED } from './command-memory';
import type { RecordedCommand } from './decide-batch';
import { storedHash } from './event-chain';
import { SnapshotPoint, SnapshotSettings, StreamSnapshots } from './stream-snapshots';

/**
 * A cached stream. `commands`: those already recorded in this stream, by command id, a retry answers from there
 * (bounded, see CommandMemory). `lastHash`: the hash of the stream's last event as stored, the next event's
 * `previousHash` (see event-chain.ts). `tailBytes`: the events folded since the last snapshot.
 */
export type CachedStream<State, Event> = SnapshotPoint<State, Event> & {
  /**
   * True when `lastHash` is the stored hash: read from the store (a fold), or computed by this process for an
   * append the store says it wrote as given (`AppendResult.written`). False when computed for an append the store
   * may have answered as a repeat of another process's, whose stored hash differs. Only an unconfirmed hash needs
   * the last folded event read again; a confirmed one lets a catch-up read only what is new (re-reading a batch's
   * own append parsed its 1,000 records again; the ledger stream, read by every usage record, its last event).
   */
  hashConfirmed: boolean;
  /**
   * The stream's mark (see `EventStore.streamMark`) taken just before the read that confirmed this state, or given
   * by the store with this process's own append (`AppendResult.streamMark`): while the stream's mark still equals
   * it, nothing was appended to the stream since but what this state holds, and it is the stream as recorded
   * without reading it again. Undefined when the store has no marks, or the state is not confirmed.
   */
  readMark?: number;
};

export interface CachedStreamsOptions<State, Event> {
  /** The memory budget of the cached streams' states and command memories, in bytes (LICENSING_CACHE_MB). */
  cacheBytes?: number;
  /** Sizes states and events for the budget, and encodes snapshots. Without it every stream counts 64 kB. */
  codec?: StateCodec<State, Event>;
  /** Snapshots beside the events (needs `codec`); without them a stream is folded from its start when loaded. */
  snapshots?: SnapshotSettings;
  /** How many recent commands per stream a retry is answered from; unbounded by default. */
  commandMemory?: CommandMemoryLimits;
}

const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
const UNSIZED_STREAM_BYTES = 64 * 1024;

/**
 * The I/O half of loading a runner's streams: the states it keeps (least recently used first out of a memory
 * budget), caught up with the store before each turn, restored from a snapshot when a stream is not cached, and
 * snapshotted when enough events were folded since.
 */
export class CachedStreams<State, Event extends DomainEvent> {
  private readonly cache: BudgetedCache<CachedStream<State, Event>>;
  private readonly snapshots: StreamSnapshots<State, Event> | null;

  constructor(
    private readonly store: EventStore,
    private readonly decider: Pick<EventSourcedDecider<unknown, Event, State>, 'initialState' | 'evolve' | 'codec'>,
    private readonly options: CachedStreamsOptions<State, Event> = {},
  ) {
    this.cache = new BudgetedCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES);
    this.snapshots = options.snapshots && options.codec ? new StreamSnapshots(options.snapshots, options.codec) : null;
  }

  usage(): { streams: number; bytes: number } {
    return { streams: this.cache.size, bytes: this.cache.bytes };
  }

  /** Drops the stream's cached state: it holds decisions that did not come to be, or a half-applied fold. */
  forget(stream: string): void {
    this.cache.delete(stream);
  }

  /** Resolves once every snapshot save under way has ended (saved or reported). */
  async snapshotsSaved(): Promise<void> {
    await this.snapshots?.saved();
  }

  /** The estimated bytes of one event (0 without a codec). */
  eventBytes(event: Event): number {
    return this.options.codec?.eventBytes(event) ?? 0;
  }

  /** Re-weighs the stream in the cache after it changed (an append landed), and snapshots it when due. */
  remember(stream: string, cached: CachedStream<State, Event>): void {
    const stateBytes = this.options.codec?.stateBytes(cached.state) ?? UNSIZED_STREAM_BYTES;
    this.cache.set(stream, cached, stateBytes + cached.commands.bytes);
    this.snapshots?.saveIfDue(stream, cached);
  }

  /**
   * The cached stream if it is the stream as recorded without reading it: confirmed by a read or by its own append,
   * and nothing appended to the stream since (its mark is still the one taken then). Else undefined: catch up.
   */
  unchanged(stream: string): CachedStream<State, Event> | undefined {
    const cached = this.cache.get(stream);
    if (!cached?.hashConfirmed || cached.readMark === undefined) return undefined;
    return cached.readMark === this.store.streamMark?.(stream) ? cached : undefined;
  }

  /** The stream as recorded: the cached state (or its snapshot) with every event appended since folded in. */
  async catchUp(stream: string): Promise<CachedStream<State, Event>> {
    const fromCache = this.cache.get(stream);
    // Taken before the read: an append that lands after it, even during the read, moves the stream's mark.
    const mark = this.store.streamMark?.(stream);
    // Nothing appended to the stream since this state was confirmed: no read at all (a usage record reads its
    // tenant's ledger, which rarely changes, on every request, and its month stream, which only this runner appends
    // to; the two queries of an empty read cost 3 times the mark).
    if (fromCache?.hashConfirmed && mark !== undefined && fromCache.readMark === mark) return fromCache;
    const cached = fromCache ?? (await this.fromSnapshot(stream)) ?? this.empty();
    const fromSnapshot = !fromCache && cached.revision !== 'no_stream';
    // The read starts at the last event already folded, to take its hash as stored. What this process computed
    // when appending may differ: a retry that the store answered as a repeat of another process's append.
    const known = cached.revision;
    const from = known === 'no_stream' ? 0 : fromCache && cached.hashConfirmed ? known + 1 : known;
    const read = await this.store.readStream(stream, { fromRevision: from });
    if (fromSnapshot) {
      // A snapshot serves only if the stream still has the event it ends with, unchanged; otherwise fold it all.
      const first = read.status === 'found' ? read.events[0] : undefined;
      if (!first || first.revision !== known || storedHash(first.metadata) !== cached.lastHash)
        return this.foldFromStart(stream);
    }
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
    // Every hash it holds now was read from the store (the last folded event's, or a later one's).
    if (read.status === 'found' && (read.events.length > 0 || from !== known)) cached.hashConfirmed = true;
    cached.readMark = cached.hashConfirmed ? mark : undefined;
    this.remember(stream, cached);
    return cached;
  }

  private empty(): CachedStream<State, Event> {
    const commands = new CommandMemory<Event>(
      this.options.commandMemory ?? UNBOUNDED,
      (event) => this.options.codec?.eventBytes(event) ?? 300,
    );
    return {
      state: this.decider.initialState(),
      revision: 'no_stream',
      commands,
      lastPosition: null,
      lastHash: null,
      tailBytes: 0,
      hashConfirmed: false,
    };
  }

  private async foldFromStart(stream: string): Promise<CachedStream<State, Event>> {
    this.cache.set(stream, this.empty(), UNSIZED_STREAM_BYTES);
    return this.catchUp(stream);
  }

  /** The stream's state as its snapshot has it, or null (none, another version, or no snapshots here). */
  private async fromSnapshot(stream: string): Promise<CachedStream<State, Event> | null> {
    const cached = this.empty();
    return this.snapshots && (await this.snapshots.restore(stream, cached)) ? cached : null;
  }

  private apply(
    cached: CachedStream<State, Event>,
    recorded: RecordedEvent,
    awaitingEnd: Map<Revision, RecordedCommand<Event>[]>,
  ): void {
    const event = this.decider.codec.decode(recorded);
    cached.state = this.decider.evolve(cached.state, event);
    cached.revision = recorded.revision;
    cached.lastPosition = recorded.position;
    cached.lastHash = storedHash(recorded.metadata);
    cached.tailBytes += this.eventBytes(event);
    const commandId = recorded.metadata.commandId;
    if (typeof commandId === 'string') {
      let earlier = cached.commands.get(commandId);
      if (earlier) {
        cached.commands.addEvent(commandId, event, recorded.position);
      } else {
        earlier = {
          hash: String(recorded.metadata.commandHash),
          events: [event],
          summary: recorded.metadata.result,
          position: recorded.position,
        };
        cached.commands.set(commandId, earlier);
      }
      // Answered first with the position of its append's last event (events recorded before APPEND_END existed
      // keep their own last event's position).
      const end = recorded.metadata[APPEND_END];
      if (typeof end === 'number' && end > recorded.revision)
        awaitingEnd.set(end, [...(awaitingEnd.get(end) ?? []), earlier]);
    }
    for (const command of awaitingEnd.get(recorded.revision) ?? []) command.position = recorded.position;
    awaitingEnd.delete(recorded.revision);
  }
}
