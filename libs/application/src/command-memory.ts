import type { Position } from '@app/event-store';
import type { RecordedCommand } from './decide-batch';

export interface CommandMemoryLimits {
  /** The most commands remembered per stream. */
  commands: number;
  /** The most (estimated) bytes of their events and answers per stream. */
  bytes: number;
  /**
   * False where a retry's answer needs only the command's summary and position, never its events (metering: the
   * counts are the summary). Its events are then not kept: a command weighs its 200 bytes, not its records (a
   * batch of 1,000 is 150 kB), so the memory holds its `commands` rather than about fifty batches, retains no
   * records for the garbage collector to walk, and snapshots carry kilobytes of commands instead of megabytes.
   * A repeat is then answered with no events. True when left out.
   */
  keepEvents?: boolean;
}

export const UNBOUNDED: CommandMemoryLimits = { commands: Infinity, bytes: Infinity };

/**
 * The commands of one stream a retry is answered from, by command id: the most recent ones, bounded by number and
 * by bytes, oldest forgotten first. A retry of a forgotten command is decided again, against the state: a usage id
 * counted then is a duplicate now (the month's id set is never bounded), a license assigned then is
 * `already-assigned` now. Kept apart from the state so it can be bounded without touching the decider.
 */
export class CommandMemory<Event> {
  // The very objects the runner holds (it sets a command's position when its append lands), with their weight.
  // `seq`: the order the entry was set in (see `forEach`).
  private readonly byId = new Map<string, MemoryEntry<Event>>();
  /**
   * The entries in the order they were set, oldest at `head`; an entry set again, or already forgotten, stays
   * behind as a stale slot that `trim` skips. Why not the Map's own order (issue 15): a Map keeps a deleted entry's
   * slot until it is rehashed, and its iterator walks those slots. A memory at its limit forgets one command per
   * command set, so every walk from the front crossed thousands of them: 10 µs of a usage record's 55 µs in-process.
   * Slots before `head` are emptied as they are passed, so a forgotten command is let go at once.
   */
  private order: Array<MemoryEntry<Event> | undefined> = [];
  private head = 0;
  private total = 0;
  private nextSeq = 0;

  constructor(
    private readonly limits: CommandMemoryLimits,
    private readonly weigh: (event: Event) => number,
  ) {}

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.byId.size;
  }

  get(commandId: string): RecordedCommand<Event> | undefined {
    return this.byId.get(commandId)?.command;
  }

  /** Keeps `command` itself (the runner sets its position later), without its events unless they are kept. */
  set(commandId: string, command: RecordedCommand<Event>): void {
    if (this.limits.keepEvents === false && command.events.length > 0) command.events = [];
    const previous = this.byId.get(commandId);
    if (previous) {
      this.byId.delete(commandId);
      this.total -= previous.bytes;
    }
    const bytes = 200 + command.events.reduce((sum, event) => sum + this.weigh(event), 0);
    const entry = { id: commandId, command, bytes, seq: this.nextSeq++ };
    this.byId.set(commandId, entry);
    this.order.push(entry);
    this.total += bytes;
    this.trim();
  }

  /** An event of an already remembered command (a command's events can span pages of a read). */
  addEvent(commandId: string, event: Event, position: Position | null): boolean {
    const entry = this.byId.get(commandId);
    if (!entry) return false;
    entry.command.position = position;
    if (this.limits.keepEvents === false) return true;
    entry.command.events.push(event);
    const bytes = this.weigh(event);
    entry.bytes += bytes;
    this.total += bytes;
    this.trim();
    return true;
  }

  *entries(): IterableIterator<[string, RecordedCommand<Event>]> {
    for (const [id, { command }] of this.byId) yield [id, command];
  }

  /**
   * Visits every remembered command, oldest first, with its sequence number: increasing in that order, and never
   * given twice by one memory (a command set again gets a new one). Snapshots group commands by it (see
   * snapshot-commands.ts): forgetting the oldest, or adding one, leaves the other groups as they were. No tuple per
   * command, unlike `entries`: a snapshot visits up to 10,000 of them.
   */
  forEach(visit: (id: string, command: RecordedCommand<Event>, seq: number) => void): void {
    this.byId.forEach((entry, id) => visit(id, entry.command, entry.seq));
  }

  private trim(): void {
    while (this.byId.size > 1 && (this.byId.size > this.limits.commands || this.total > this.limits.bytes)) {
      const oldest = this.order[this.head];
      this.order[this.head++] = undefined;
      if (oldest === undefined || this.byId.get(oldest.id) !== oldest) continue; // stale: set again later
      this.byId.delete(oldest.id);
      this.total -= oldest.bytes;
    }
    // Every remembered command has exactly one slot in the queue; the others (passed, or left by a command set again)
    // are dropped once they outnumber them: each slot is copied at most once more, on average.
    if (this.order.length > 2 * this.byId.size + 64) {
      this.order = this.order.filter((slot) => slot !== undefined && this.byId.get(slot.id) === slot);
      this.head = 0;
    }
  }
}

interface MemoryEntry<Event> {
  id: string;
  command: RecordedCommand<Event>;
  bytes: number;
  seq: number;
}
