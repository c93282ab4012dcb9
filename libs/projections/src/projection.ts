import type { RecordedEvent } from '@app/event-store';
import type { Document, IndexSpec } from '@app/read-models';

/**
 * The documents of one batch, loaded before the batch is applied: reads are synchronous, each document is read
 * once and written once. A projection may change a document it got only if it puts it back.
 */
export interface BatchDocuments {
  /** Throws if the document was not named by `documentsFor`: that is a bug in the projection. */
  get<T extends Document>(collection: string, id: string): T | null;
  put(collection: string, id: string, document: Document): void;
  remove(collection: string, id: string): void;
}

/**
 * A read model fed by events. `apply` must be deterministic and depend only on the event and the projection's
 * own documents, so that a rebuild from position 0 gives the same documents as the live run.
 */
export interface Projection {
  readonly name: string;
  /** Its collections, with the indexes its queries need. */
  readonly collections: Record<string, IndexSpec[]>;
  /** The event types it reacts to; others only move its position on. */
  readonly eventTypes: readonly string[];
  /** The documents `apply` reads for this event, so that a whole batch loads them in one round trip. */
  documentsFor(event: RecordedEvent): Array<[collection: string, id: string]>;
  apply(event: RecordedEvent, documents: BatchDocuments): void;
}
