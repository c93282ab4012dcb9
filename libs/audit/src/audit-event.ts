import { validate as isUuid } from 'uuid';
import type { EventMetadata, JsonObject, RecordedEvent } from '@app/event-store';

/**
 * A recorded event as auditors see it, in `GET /events` and in an exported history (one per NDJSON line). The
 * position is a string: JSON numbers cannot carry every 64-bit position.
 */
export interface AuditEvent {
  position: string;
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
  recordedAt: string;
}

export function toAuditEvent(event: RecordedEvent): AuditEvent {
  return {
    position: event.position.toString(),
    stream: event.stream,
    revision: event.revision,
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
  };
}

/** Reads an audit event back (from a file a person may have edited): every field is checked, none is guessed. */
export function fromAuditEvent(value: unknown): RecordedEvent {
  if (!isObject(value)) throw new Error('not a JSON object');
  const { position, stream, revision, id, type, data, metadata, recordedAt } = value;
  if (typeof position !== 'string' || !/^\d{1,19}$/.test(position))
    throw new Error('position must be a string of digits');
  if (typeof stream !== 'string' || stream.length === 0) throw new Error('stream must be a non-empty string');
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0)
    throw new Error('revision must be an integer ≥ 0');
  if (typeof id !== 'string' || !isUuid(id)) throw new Error('id must be a UUID');
  if (typeof type !== 'string' || type.length === 0) throw new Error('type must be a non-empty string');
  if (!isObject(data)) throw new Error('data must be a JSON object');
  if (!isObject(metadata)) throw new Error('metadata must be a JSON object');
  if (typeof recordedAt !== 'string') throw new Error('recordedAt must be a string');
  return {
    position: BigInt(position),
    stream,
    revision,
    id: id.toLowerCase(),
    type,
    data: data as JsonObject,
    metadata: metadata as EventMetadata,
    recordedAt,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
