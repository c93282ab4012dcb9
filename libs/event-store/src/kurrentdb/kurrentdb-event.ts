import { EventData, jsonEvent, RecordedEvent as ClientRecordedEvent } from '@kurrent/kurrentdb-client';
import type { PreparedEvent } from '../append-rules';
import { EventStoreUnavailableError } from '../event-store.errors';
import type { EventMetadata, JsonObject, RecordedEvent } from '../event-store.port';
import { toPortPosition } from './kurrentdb-position';

/**
 * An event as the client appends it: JSON data and JSON metadata, with the id the port fixed (the caller's, or a
 * generated UUID), so that KurrentDB records the same id the port answers with.
 */
export function toEventData(event: PreparedEvent): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    data: JSON.parse(event.data) as JsonObject,
    metadata: JSON.parse(event.metadata) as EventMetadata,
  });
}

/**
 * A recorded client event as the port's RecordedEvent. Everything this service appends is a JSON object with JSON
 * metadata; anything else in the database (binary events of another application) cannot be handed to projections
 * as if it were one, so it is an error that names the event.
 */
export function toRecordedEvent(event: ClientRecordedEvent): RecordedEvent {
  const what = `event ${event.id} (${event.streamId}@${event.revision})`;
  if (!event.isJson || !isPlainObject(event.data)) {
    throw new EventStoreUnavailableError(
      `${what} is not a JSON object: this KurrentDB database must hold only this service's events`,
    );
  }
  const metadata = event.metadata === undefined ? {} : event.metadata;
  if (!isPlainObject(metadata)) {
    throw new EventStoreUnavailableError(`${what} has metadata that is not a JSON object`);
  }
  return {
    id: event.id.toLowerCase(),
    stream: event.streamId,
    revision: Number(event.revision),
    position: toPortPosition(event.position, what),
    type: event.type,
    data: event.data as JsonObject,
    metadata: metadata as EventMetadata,
    recordedAt: event.created.toISOString(),
  };
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
