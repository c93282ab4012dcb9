import type { ActualState } from '../event-store.errors';
import type { Position, Revision } from '../event-store.port';
import type { KnownIds } from './append-plan';

/** The part of a recorded event the index needs. */
export interface EventIdentity {
  id: string;
  revision: Revision;
  position: Position;
}

/** Reads a stream forwards from a revision, at most `maxCount` events; `null` if the stream does not exist. */
export type ReadIdentities = (
  stream: string,
  fromRevision: Revision,
  maxCount: number,
) => Promise<EventIdentity[] | null>;

class KnownStream implements KnownIds {
  private readonly revisions = new Map<string, Revision>();
  private readonly ids = new Map<Revision, string>();
  private last: Revision | null = null;

  get actual(): ActualState {
    return this.last === null ? 'no_stream' : this.last;
  }

  get size(): number {
    return this.ids.size;
  }

  /** The revision to read on from. */
  get next(): Revision {
    return this.last === null ? 0 : this.last + 1;
  }

  revisionOf(id: string): Revision | undefined {
    return this.revisions.get(id);
  }

  idAt(revision: Revision): string | undefined {
    return this.ids.get(revision);
  }

  /** True if the event was not known yet. */
  add(event: EventIdentity): boolean {
    if (this.last === null || event.revision > this.last) this.last = event.revision;
    if (this.ids.has(event.revision)) return false;
    this.revisions.set(event.id, event.revision);
    this.ids.set(event.revision, event.id);
    return true;
  }
}

export interface CatchUp {
  known: KnownIds;
  /** Positions of the events this catch-up read (the newest ones), by revision. */
  positions: Map<Revision, Position>;
}

/**
 * The event ids of the streams this process appends to, read from the streams themselves and kept up to date
 * incrementally: each append first reads only what was written since the last look (usually nothing, or what
 * another process appended). Bounded: the least recently used streams are forgotten and read again if needed.
 */
export class StreamIdIndex {
  private readonly streams = new Map<string, KnownStream>();
  private total = 0;

  constructor(
    private readonly read: ReadIdentities,
    private readonly capacity = 500_000,
    private readonly pageSize = 1_000,
  ) {}

  async catchUp(stream: string): Promise<CatchUp> {
    let known = this.streams.get(stream);
    if (known) this.streams.delete(stream);
    else known = new KnownStream();
    this.streams.set(stream, known);
    const positions = new Map<Revision, Position>();
    for (;;) {
      const page = await this.read(stream, known.next, this.pageSize);
      if (page === null) break;
      for (const event of page) {
        // Concurrent catch-ups of one stream read the same events; each is counted once, and not at all once forgotten.
        if (known.add(event) && this.streams.get(stream) === known) this.total++;
        positions.set(event.revision, event.position);
      }
      if (page.length < this.pageSize) break;
    }
    this.evictBeyondCapacity(stream);
    return { known, positions };
  }

  private evictBeyondCapacity(keep: string): void {
    for (const [stream, known] of this.streams) {
      if (this.total <= this.capacity) return;
      if (stream === keep) continue;
      this.streams.delete(stream);
      this.total -= known.size;
    }
  }
}
