import type Database from 'better-sqlite3';

/** The stream marks' slots (a power of two): 65,536 of 8 bytes, 512 kB, whatever the number of streams. */
const DEFAULT_SLOT_BITS = 16;

/**
 * The SQLite store's append marks (the port's `streamMark`): counters that move whenever the file may hold events in
 * a stream that it did not hold when the earlier mark was taken. They read one clock, which ticks on two kinds of
 * news, so a mark never comes back to a value it had:
 * - this store's own appends: the appender stamps each append it writes with the next tick, in its stream's slot (the
 *   store's connection is the only one that writes through it, so these are all of its own commits' events). Slots
 *   are chosen by a hash of the stream name, in a fixed table: streams that share a slot move each other's marks
 *   (needlessly, rarely), but an append always moves its own stream's mark, above every mark answered before;
 * - other connections' commits (another process, another store on the same file): `PRAGMA data_version` changes
 *   whenever another connection has committed since this connection last asked (never for its own commits). We
 *   cannot tell which streams they wrote, so such news moves every mark (`foreignAt`).
 *
 * `data_version` begins a read (the WAL's shared-memory locks: two fcntl calls), which under load cost about as much
 * as the stream read a mark saves (6.8 % of a usage record's profile when asked on every read), so it is asked once
 * per turn of the event loop: the first mark of a turn reads it, the later ones reuse it, and the turn's check phase
 * (`setImmediate`) forgets it. That keeps what a cross-process reader needs: a request that reached this process
 * after another process's commit was acknowledged is served by a turn that read `data_version` after that commit.
 * (Strictly, a version first read in a check or timers phase is kept until the next check phase, across one poll,
 * whose requests may then be served on a version read just before the poll began; a gap of microseconds that a
 * cross-process acknowledgement and a new request cannot plausibly fit in. Kept as it was before per-stream marks.)
 *
 * The same per-turn `data_version` tells the store when the head position it knows may be stale (`version`).
 */
export class SqliteAppendMarks {
  private readonly dataVersion: Database.Statement<[], number>;
  private clock = 0;
  /** The clock when another connection's commit was last noticed. */
  private foreignAt = 0;
  private lastVersion: number;
  /** The clock of the latest own append to any stream of each slot (0: none since the store opened). */
  private readonly slots: Float64Array;
  private readonly slotMask: number;
  /** True from the first mark of an event-loop turn until that turn's check phase. */
  private versionFresh = false;
  private readonly forgetVersion = () => {
    this.versionFresh = false;
  };

  constructor(
    db: Database.Database,
    /** True once a WAL sync failed: nothing cached may then stand for what the file holds, every mark moves. */
    private readonly distrusted: () => boolean = () => false,
    slotBits = DEFAULT_SLOT_BITS,
  ) {
    this.slots = new Float64Array(1 << slotBits);
    this.slotMask = (1 << slotBits) - 1;
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    // The reference: what other connections commit from now on moves it (what they committed before, reads show).
    this.lastVersion = this.dataVersion.get()!;
  }

  /** The stream's mark: it moves with every own append to this stream, and every other connection's commit. */
  stream(stream: string): number {
    this.noticeOthers();
    return Math.max(this.slots[this.slotOf(stream)], this.foreignAt);
  }

  /**
   * Stamps an own append to `stream` (called inside its transaction, so before any reader of this process can look)
   * and answers the stream's mark right after it. If the transaction then fails, the mark moved for nothing: safe.
   */
  appended(stream: string): number {
    const stamp = ++this.clock;
    this.slots[this.slotOf(stream)] = stamp;
    return stamp;
  }

  /** `PRAGMA data_version` as read once in this turn of the event loop (see above). */
  version(): number {
    if (!this.versionFresh) {
      this.versionFresh = true;
      setImmediate(this.forgetVersion);
      const version = this.dataVersion.get()!;
      if (version !== this.lastVersion) {
        this.lastVersion = version;
        this.foreignAt = ++this.clock;
      }
    }
    return this.lastVersion;
  }

  /** FNV-1a over the name's UTF-16 units: cheap, and spreads similar names (`metering-T-2026-05`, `-06`) apart. */
  private slotOf(stream: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < stream.length; i++) hash = Math.imul(hash ^ stream.charCodeAt(i), 0x01000193);
    return (hash ^ (hash >>> 16)) & this.slotMask;
  }

  private noticeOthers(): void {
    if (!this.versionFresh) this.version();
    if (this.distrusted()) this.foreignAt = ++this.clock;
  }
}
