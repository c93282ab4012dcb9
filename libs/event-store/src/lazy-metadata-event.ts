import type { EventMetadata, JsonObject, Position, RecordedEvent } from './event-store.port';

/**
 * A recorded event whose metadata is parsed from its stored JSON only when first read. A rebuild reads every event
 * of the log but hardly any metadata: the decoders look for `schemaVersion` only (see `decodable`), one projection
 * for an actor. Parsing every event's metadata was 40 % of what a rebuild's main thread spent taking the events
 * its reader thread read (issue 15, goal 5). `metadata` answers the same object every time, as on a plain event.
 */
export class LazyMetadataEvent implements RecordedEvent {
  private parsed: EventMetadata | undefined;

  constructor(
    readonly id: string,
    readonly stream: string,
    readonly revision: number,
    readonly position: Position,
    readonly type: string,
    readonly data: JsonObject,
    private readonly metadataText: string,
    readonly recordedAt: string,
    /**
     * The reader found neither `schemaVersion` nor an escape in the text: the key can only be spelt as
     * `"schemaVersion"` or with escapes (`\u0073…`), so this metadata has none, and its version is 1 (absent).
     */
    private readonly plainMetadata: boolean,
  ) {}

  get metadata(): EventMetadata {
    return (this.parsed ??= JSON.parse(this.metadataText) as EventMetadata);
  }

  /** See `decodable`. */
  decodable(): RecordedEvent {
    // Any other metadata is parsed, as on any event.
    if (this.parsed !== undefined || !this.plainMetadata) return this;
    const { id, stream, revision, position, type, data, recordedAt } = this;
    return { id, stream, revision, position, type, data, metadata: NO_METADATA, recordedAt };
  }
}

const NO_METADATA: EventMetadata = Object.freeze({});

/**
 * The event as an event decoder reads it (type, stream, revision, data and `metadata.schemaVersion`): the event
 * itself, or for a `LazyMetadataEvent` whose metadata names no schema version, a copy with empty metadata, so that
 * decoding it parses none. Only for decoders: the copy's metadata is not the event's.
 */
export function decodable(event: RecordedEvent): RecordedEvent {
  return event instanceof LazyMetadataEvent ? event.decodable() : event;
}
