import { hash as digest } from 'node:crypto';
import { parse as parseUuid } from 'uuid';
import { SCHEMA_VERSION_FIELD } from '@app/domain';
import { EventMetadata, IDEMPOTENCY_KEY, JsonObject, KeyBinding, REQUEST_HASH, Revision } from '@app/event-store';
import { canonicalSha256 } from './canonical-json';
import type { Decision } from './decide-batch';
import { ChainedEvent, linkEvent, storedHash } from './event-chain';
import { storedDataJson } from './stored-data-json';

/**
 * The chain builder: a turn's decisions as the events to append, with their ids, their metadata (every field is
 * described on `EventMetadata`) and their place in the stream's hash chain. Pure, like `decideBatch`.
 */

/** Who sent a command and under which ids; becomes the metadata of every event the command records. */
export interface CommandEnvelope {
  /** Retries with the same id are idempotent. */
  commandId: string;
  correlationId: string;
  /**
   * What caused the command, when that is not the caller's request itself: the id of the event a process manager
   * reacted to. Absent: the command caused its own events, and `causationId` is the command id.
   */
  causationId?: string;
  actor: string;
  tenant: string;
  /**
   * The caller's idempotency key and the fingerprint of its request, when the caller sent a key (see
   * `idempotency-keys.ts`). Unlike `commandId`, which a handler may derive per stream, it is the same for every
   * command of the request; every event they record carries it, and the store binds the key on the first append.
   */
  idempotency?: KeyBinding;
  /**
   * True when `commandId` was made for this command alone (a request that named no command id: a fresh, random
   * UUID). No caller can send such a command again: a request without an id is a new command each time. The runner
   * then keeps it out of the stream's command memory, which exists to answer retries (see `CommandMemory`). Why
   * (issue 15, goal 4): every single usage record and assignment entered that memory, 10,000 per stream, so its
   * upkeep, and the snapshots carrying it (2 MB of commands each, for a busy month), were paid for answers never
   * asked. Not stored in the events; a command read back from a stream after a restart is remembered as before.
   */
  freshId?: true;
}

/** A domain event as the runner appends it. */
export interface DomainEvent {
  type: string;
  data: object;
}

/** Metadata field: the revision of the last event of the append that recorded the event (see `EventMetadata`). */
export const APPEND_END = 'appendEnd';

const EVENT_ID_NAMESPACE = parseUuid('6f1c1a52-8a3e-4d55-9e26-3f2f4b0d7c11');

/** The ids of a command's events derive from the command id: a retry that races its first attempt is collapsed. */
export const eventIdOf = (commandId: string, index: number): string =>
  derivedId(commandId, `:${index}`, EVENT_ID_NAMESPACE);

/**
 * An id derived from another (a command's events from its command id, a command's part per month from it): the
 * same parent and suffix always give the same id, so a retry derives the ids of its first attempt.
 * - From a time-ordered parent (UUID version 7, as fresh command ids are, see `commandEnvelope`; or 8, an id derived
 *   from one) it keeps the parent's first 48 bits, its millisecond timestamp, and is a version-8 UUID (RFC 9562,
 *   §5.8) whose other 74 bits are those `nameBasedId` would give (SHA-1 over the namespace and parent + suffix).
 *   Why (issue 15, goal 4): the SQLite store indexes `(stream, event_id)` to refuse a recorded id; random ids put
 *   each event in a random leaf of that index, and every commit wrote one WAL frame per event for it. Ids that
 *   begin with the time of their request all land at one end of the stream's range: a commit of 9 usage events,
 *   into a file of 100k–400k events, cost 367–399 µs of CPU instead of 544–629 (bench/PROFILES.md, "Session 26").
 * - From any other parent (a caller's own Idempotency-Key, usually version 4) it is `nameBasedId` of parent +
 *   suffix, the version-5 id such commands always had.
 */
export function derivedId(parent: string, suffix: string, namespace: Uint8Array): string {
  const name = `${parent}${suffix}`;
  if (!isTimeOrdered(parent)) return nameBasedId(name, namespace);
  const time = `${parent.slice(0, 8)}-${parent.slice(9, 13)}`.toLowerCase();
  return `${time}-${nameHashTail(nameHash(name, namespace), '8')}`;
}

/** A UUID of version 7 or 8 (its version is the 13th hex digit); the callers' ids are UUIDs already checked. */
function isTimeOrdered(id: string): boolean {
  return id.length === 36 && id[8] === '-' && id[13] === '-' && (id[14] === '7' || id[14] === '8');
}

/**
 * A name-based UUID (version 5, RFC 9562: SHA-1 over the namespace's 16 bytes and the name's UTF-8 bytes), byte for
 * byte what uuid's `v5(name, namespace)` gives (a spec compares them) for a namespace parsed once (`parseUuid`).
 * Every command derives ids this way on the turn path (event ids; metering's per-month command ids), where uuid's
 * `v5` parsed the namespace twice per call, encoded the name through a URI round trip and made a Hash object: 2.4 %
 * of a single usage record's profile, about a third of that left here.
 */
export function nameBasedId(name: string, namespace: Uint8Array): string {
  const hex = nameHash(name, namespace);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${nameHashTail(hex, '5')}`;
}

/**
 * SHA-1 over the namespace and the name, as 40 hex digits. Hex straight from the one-shot hash: asked for a Buffer,
 * `crypto.hash` normalises the encoding name on a slow path and makes a Buffer, which the id then wrote out as hex
 * again (~0.35 µs more per id in a micro-benchmark, and a Buffer per id for the collector; a turn derives two ids
 * per usage record).
 */
function nameHash(name: string, namespace: Uint8Array): string {
  return digest('sha1', nameInput(name, namespace), 'hex');
}

/**
 * The last three groups of a UUID made of the hash's bytes 6–15: the version in the high nibble of byte 6 (hex digit
 * 12) and the RFC variant in the top two bits of byte 8 (digit 16, which becomes 8, 9, a or b).
 */
function nameHashTail(hex: string, version: '5' | '8'): string {
  const variant = VARIANT_DIGITS[Number.parseInt(hex[16], 16) & 0x3];
  return `${version}${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const VARIANT_DIGITS = '89ab';

/** Where `nameBasedId` writes the namespace and the name: two buffers per id fewer (a command makes two or more). */
const NAME_SCRATCH = Buffer.allocUnsafe(4096);

/**
 * The namespace's bytes then the name's UTF-8 (lone surrogates as U+FFFD, as Buffer.from writes them), in the
 * scratch buffer when they surely fit (at most 3 bytes per UTF-16 unit), else in a buffer of their own. Hashed at
 * once: the view is never kept.
 */
function nameInput(name: string, namespace: Uint8Array): Uint8Array {
  if (namespace.length + name.length * 3 > NAME_SCRATCH.length)
    return Buffer.concat([namespace, Buffer.from(name, 'utf8')]);
  NAME_SCRATCH.set(namespace, 0);
  const written = NAME_SCRATCH.write(name, namespace.length, 'utf8');
  return NAME_SCRATCH.subarray(0, namespace.length + written);
}

export interface ChainInput<Event extends DomainEvent> {
  stream: string;
  /** The revision the first event gets. */
  firstRevision: Revision;
  /** The stored hash of the stream's last event (null for an empty stream). */
  previousHash: string | null;
  decisions: ReadonlyArray<Decision<Event>>;
  envelopeOf: (decision: Decision<Event>) => CommandEnvelope;
  /** The schema version each event type is written in today (see `EventCodec`); stamped only above 1. */
  versionOf: (type: string) => number;
}

export function chainDecisions<Event extends DomainEvent>(
  input: ChainInput<Event>,
): { events: ChainedEvent[]; lastHash: string | null } {
  let previousHash = input.previousHash;
  const events: ChainedEvent[] = [];
  // Every command of the append is answered with the append's position: its last event's. Each event records that
  // revision, so that a repeat read back from the stream (after a restart) answers the same position.
  const appendEnd =
    input.firstRevision + input.decisions.reduce((count, decision) => count + decision.events.length, 0) - 1;
  for (const decision of input.decisions) {
    const envelope = input.envelopeOf(decision);
    decision.events.forEach((event, index) => {
      const version = input.versionOf(event.type);
      // Domain event data is JSON by construction: the codec's schemas admit nothing else when it is read back.
      const data = event.data as JsonObject;
      // Built in place, in the stored key order, and linked without a copy (see `linkEvent`).
      const metadata = metadataOf(envelope, decision.hash, decision.summary);
      if (version > 1) metadata[SCHEMA_VERSION_FIELD] = version;
      metadata[APPEND_END] = appendEnd;
      const id = eventIdOf(envelope.commandId, index);
      const chained = linkEvent(input.stream, input.firstRevision + events.length, previousHash, {
        id,
        type: event.type,
        data,
        metadata,
      });
      // After the hash, which wrote a checked group's text: the store keeps the same text instead of writing it again.
      const dataJson = storedDataJson(data);
      if (dataJson !== undefined) chained.dataJson = dataJson;
      previousHash = storedHash(chained.metadata);
      events.push(chained);
    });
  }
  return { events, lastHash: previousHash };
}

/** A new object per event (the caller adds the chain's fields to it), keys in the order they were always stored. */
function metadataOf(envelope: CommandEnvelope, hash: string, result: unknown): EventMetadata {
  const metadata: EventMetadata = {};
  if (result !== undefined) metadata.result = result as JsonObject;
  metadata.correlationId = envelope.correlationId;
  metadata.causationId = envelope.causationId ?? envelope.commandId;
  metadata.actor = envelope.actor;
  metadata.tenant = envelope.tenant;
  metadata.commandId = envelope.commandId;
  metadata.commandHash = hash;
  if (envelope.idempotency) {
    metadata[IDEMPOTENCY_KEY] = envelope.idempotency.key;
    metadata[REQUEST_HASH] = envelope.idempotency.fingerprint;
  }
  return metadata;
}

/** Identifies what a command asks, leaving out when it was asked (`metadata.now`), which differs between retries. */
export function commandHash(command: unknown): string {
  // The hash of the command without its metadata, written without first copying the command to leave it out.
  return canonicalSha256(command, 'metadata');
}
