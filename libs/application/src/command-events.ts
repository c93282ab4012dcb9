import { createHash } from 'node:crypto';
import { v5 as uuidV5 } from 'uuid';
import { SCHEMA_VERSION_FIELD } from '@app/domain';
import { EventMetadata, IDEMPOTENCY_KEY, JsonObject, KeyBinding, REQUEST_HASH, Revision } from '@app/event-store';
import { canonicalJson } from './canonical-json';
import type { Decision } from './decide-batch';
import { ChainedEvent, chainEvent, storedHash } from './event-chain';

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
}

/** A domain event as the runner appends it. */
export interface DomainEvent {
  type: string;
  data: object;
}

/** Metadata field: the revision of the last event of the append that recorded the event (see `EventMetadata`). */
export const APPEND_END = 'appendEnd';

const EVENT_ID_NAMESPACE = '6f1c1a52-8a3e-4d55-9e26-3f2f4b0d7c11';

/** The ids of a command's events derive from the command id: a retry that races its first attempt is collapsed. */
export const eventIdOf = (commandId: string, index: number): string =>
  uuidV5(`${commandId}:${index}`, EVENT_ID_NAMESPACE);

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
      const chained = chainEvent(input.stream, input.firstRevision + events.length, previousHash, {
        id: eventIdOf(envelope.commandId, index),
        type: event.type,
        // Domain event data is JSON by construction: the codec's schemas admit nothing else when it is read back.
        data: event.data as JsonObject,
        metadata: {
          ...metadataOf(envelope, decision.hash, decision.summary),
          ...(version > 1 ? { [SCHEMA_VERSION_FIELD]: version } : {}),
          [APPEND_END]: appendEnd,
        },
      });
      previousHash = storedHash(chained.metadata);
      events.push(chained);
    });
  }
  return { events, lastHash: previousHash };
}

function metadataOf(envelope: CommandEnvelope, hash: string, result: unknown): EventMetadata {
  return {
    ...(result === undefined ? {} : { result: result as JsonObject }),
    correlationId: envelope.correlationId,
    causationId: envelope.causationId ?? envelope.commandId,
    actor: envelope.actor,
    tenant: envelope.tenant,
    commandId: envelope.commandId,
    commandHash: hash,
    ...(envelope.idempotency
      ? { [IDEMPOTENCY_KEY]: envelope.idempotency.key, [REQUEST_HASH]: envelope.idempotency.fingerprint }
      : {}),
  };
}

/** Identifies what a command asks, leaving out when it was asked (`metadata.now`), which differs between retries. */
export function commandHash(command: unknown): string {
  const { metadata: _, ...rest } = command as { metadata?: unknown };
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}
