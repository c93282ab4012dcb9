import type { EventMetadata, JsonObject, NewEvent, Revision } from '@app/event-store';
import { canonicalSha256 } from './canonical-json';

/**
 * The hash chain that makes tampering with a stream evident. Each event's metadata carries `hash`, a SHA-256 (hex)
 * over the canonical JSON (RFC 8785) of
 *
 *   { stream, revision, id, type, data, metadata: <metadata without hash and previousHash>, previousHash }
 *
 * and `previousHash`, the `hash` of the stream's previous event (null for revision 0). Changing any event changes
 * its hash; removing, inserting or moving one breaks the link of the next. Nothing store-assigned beyond the
 * revision is covered (no global position, no recording time), so a history exported and imported into another
 * store keeps a valid chain.
 */

export const HASH_FIELD = 'hash';
export const PREVIOUS_HASH_FIELD = 'previousHash';

/** What the hash covers, apart from the previous hash. */
export interface ChainedContent {
  stream: string;
  revision: Revision;
  id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
}

/** The hash an event must carry, given the hash of its stream's previous event. */
export function eventHash(content: ChainedContent, previousHash: string | null): string {
  const { [HASH_FIELD]: _hash, [PREVIOUS_HASH_FIELD]: _previous, ...metadata } = content.metadata;
  return hashOfContent(content, metadata, previousHash);
}

/** `eventHash` for metadata already without `hash` and `previousHash` (the chain builder makes it so: no copy). */
export function hashOfContent(
  content: Omit<ChainedContent, 'metadata'>,
  metadata: EventMetadata,
  previousHash: string | null,
): string {
  // Hashed in pieces (canonicalSha256): the same SHA-256 of the UTF-8 text as createHash().update(text, 'utf8'),
  // without first making a batch's 110 kB of records and the rest into one string (the golden and chain specs hold
  // the bytes).
  // Built in canonical key order, so the writer's sort finds it sorted.
  return canonicalSha256({
    data: content.data,
    // The store keeps ids in lower case; hashing that form makes the hash the same before and after the append.
    id: content.id.toLowerCase(),
    metadata,
    previousHash,
    revision: content.revision,
    stream: content.stream,
    type: content.type,
  });
}

/** The event to append at `revision` of `stream`, its metadata carrying its hash and the previous one. */
export type ChainedEvent = NewEvent & { id: string; metadata: EventMetadata };

export function chainEvent(
  stream: string,
  revision: Revision,
  previousHash: string | null,
  event: NewEvent & { id: string },
): ChainedEvent {
  const { [HASH_FIELD]: _hash, [PREVIOUS_HASH_FIELD]: _previous, ...metadata } = event.metadata ?? {};
  return linkEvent(stream, revision, previousHash, { ...event, metadata });
}

/**
 * `chainEvent` for an event whose metadata the caller made for it and hands over (without `hash` and
 * `previousHash`): the two fields are added to that object, no copy. The chain builder links every event of a turn
 * this way (the metadata copies were the turn's costliest allocation after the hashes themselves).
 */
export function linkEvent(
  stream: string,
  revision: Revision,
  previousHash: string | null,
  event: ChainedEvent,
): ChainedEvent {
  const { id, type, data, metadata } = event;
  // The object hashOfContent hashes, built at once (it would take the content as one more object first); the chain
  // specs check events linked here against eventHash.
  const hash = canonicalSha256({
    data,
    id: id.toLowerCase(),
    metadata,
    previousHash,
    revision,
    stream,
    type,
  });
  metadata[PREVIOUS_HASH_FIELD] = previousHash;
  metadata[HASH_FIELD] = hash;
  return event;
}

/** Chains events appended together: the first at `firstRevision`, after an event whose hash is `previousHash`. */
export function chainEvents(
  stream: string,
  firstRevision: Revision,
  previousHash: string | null,
  events: Array<NewEvent & { id: string }>,
): { events: ChainedEvent[]; lastHash: string | null } {
  let last = previousHash;
  const chained = events.map((event, index) => {
    const next = chainEvent(stream, firstRevision + index, last, event);
    last = storedHash(next.metadata);
    return next;
  });
  return { events: chained, lastHash: last };
}

/** The hash an event says it has (null when it carries none). */
export function storedHash(metadata: EventMetadata | undefined): string | null {
  const hash = metadata?.[HASH_FIELD];
  return typeof hash === 'string' ? hash : null;
}

/** The previous hash an event says it follows (null when it carries none). */
export function storedPreviousHash(metadata: EventMetadata | undefined): string | null {
  const previous = metadata?.[PREVIOUS_HASH_FIELD];
  return typeof previous === 'string' ? previous : null;
}

export type LinkCheck =
  | { status: 'valid' }
  | { status: 'missing-hash' }
  /** The event's content no longer gives the hash it carries: the event was changed. */
  | { status: 'hash-mismatch'; stored: string; computed: string }
  /** The event does not follow the stream's previous event: an event before it was removed, inserted or changed. */
  | { status: 'broken-link'; expectedPrevious: string | null; storedPrevious: string | null };

/**
 * Checks one recorded event against the hash of the event before it in its stream (null for revision 0). The
 * content check comes first: a changed event is reported as changed, whatever its link says.
 */
export function checkLink(event: ChainedContent, previousHash: string | null): LinkCheck {
  const stored = storedHash(event.metadata);
  if (stored === null) return { status: 'missing-hash' };
  const storedPrevious = storedPreviousHash(event.metadata);
  const computed = eventHash(event, storedPrevious);
  if (computed !== stored) return { status: 'hash-mismatch', stored, computed };
  if (storedPrevious !== previousHash) return { status: 'broken-link', expectedPrevious: previousHash, storedPrevious };
  return { status: 'valid' };
}
