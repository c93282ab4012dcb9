import type { z } from 'zod';

/**
 * Turning stored events back into domain events, the one place where a stored `{type, data}` becomes typed. Events
 * are forever: a stream written years ago must replay today. So every event type has a schema of its current shape
 * and a chain of upcasters from each older version, and a shape change is a new version plus an upcaster, never an
 * edit of history (see the README, "Event schema evolution").
 *
 * The version of a stored event is `metadata.schemaVersion`; absent means 1, the version of every event written
 * before versions existed. Writers stamp it only above 1, so today's events are stored exactly as before.
 */

/** What the decoder reads of a stored event: the event store's `RecordedEvent` has this shape and more. */
export interface StoredEvent {
  stream: string;
  revision: number;
  type: string;
  data: unknown;
  metadata?: { [key: string]: unknown };
}

export const SCHEMA_VERSION_FIELD = 'schemaVersion';

/** A stored event that is not one this domain knows, or not in a shape it knows: a broken contract, never skipped. */
export class EventDecodingError extends Error {
  constructor(
    readonly stream: string,
    readonly revision: number,
    readonly eventType: string,
    reason: string,
  ) {
    super(`${stream}@${revision}: ${eventType} ${reason}`);
    this.name = 'EventDecodingError';
  }
}

/** Lifts the data of one version to the next (index 0: version 1 to 2). Pure, total over the older shape. */
export type Upcaster = (data: unknown) => unknown;

/** One event type: the schema of its current shape and the upcasters that lead to it from version 1. */
export interface EventTypeCodec<Data> {
  schema: z.ZodType<Data>;
  upcasters?: readonly Upcaster[];
  /**
   * Optional, for types whose events hold thousands of parts (a batch's usage records): true only for data in
   * exactly the current shape, with nothing the schema would strip or refuse. Such data is decoded as it is, where
   * the schema would make an equal copy of every part (most of the cost and garbage of decoding a batch). False
   * says nothing: the data goes through the schema, which decides and words any refusal.
   */
  accepts?: (data: unknown) => data is Data;
}

type DataOf<Event extends { type: string }, Type extends Event['type']> =
  Extract<Event, { type: Type }> extends { data: infer D } ? D : never;

/** Per event type of a domain, its codec; the mapped type makes a missing or mistyped event type a compile error. */
export type EventCodecDefinition<Event extends { type: string; data: unknown }> = {
  [Type in Event['type']]: EventTypeCodec<DataOf<Event, Type>>;
};

export interface EventCodec<Event extends { type: string; data: unknown }> {
  readonly eventTypes: readonly Event['type'][];
  /** The domain event a stored event records, upcast to the current version; throws `EventDecodingError`. */
  decode(stored: StoredEvent): Event;
  /** The version an event of this type is written in today (1 + its upcasters). */
  currentVersion(type: Event['type']): number;
}

export function eventCodec<Event extends { type: string; data: unknown }>(
  definition: EventCodecDefinition<Event>,
): EventCodec<Event> {
  const codecs = new Map<string, EventTypeCodec<unknown>>(Object.entries<EventTypeCodec<unknown>>(definition));
  const versionOf = (codec: EventTypeCodec<unknown>) => 1 + (codec.upcasters?.length ?? 0);
  return {
    eventTypes: [...codecs.keys()] as Event['type'][],
    currentVersion(type) {
      const codec = codecs.get(type);
      if (!codec) throw new Error(`unknown event type ${type}`);
      return versionOf(codec);
    },
    decode(stored) {
      const codec = codecs.get(stored.type);
      if (!codec)
        throw new EventDecodingError(
          stored.stream,
          stored.revision,
          stored.type,
          'is not an event type of this stream',
        );
      const version = storedVersion(stored);
      const current = versionOf(codec);
      if (version === null || version > current) {
        const found = String(stored.metadata?.[SCHEMA_VERSION_FIELD]);
        throw new EventDecodingError(
          stored.stream,
          stored.revision,
          stored.type,
          `has schema version ${found}; this code reads 1 to ${current}`,
        );
      }
      let data = stored.data;
      // By index: a slice per decoded event was an array made and dropped for every event of a rebuild.
      const upcasters = codec.upcasters ?? [];
      for (let next = version - 1; next < upcasters.length; next++) data = upcasters[next](data);
      // Sound: `accepts` holds only for data of this type's current shape.
      if (codec.accepts?.(data)) return { type: stored.type, data } as Event;
      const parsed = codec.schema.safeParse(data);
      if (!parsed.success) {
        throw new EventDecodingError(
          stored.stream,
          stored.revision,
          stored.type,
          `without ${expectedFields(codec.schema)} in the expected shape: ${issuesOf(parsed.error)}`,
        );
      }
      // Sound: the definition's mapped type ties this type's schema to the data of the event member of that type.
      return { type: stored.type, data: parsed.data } as Event;
    },
  };
}

/** Version 1 when the metadata names none; null when what it names is not a positive integer. */
function storedVersion(stored: StoredEvent): number | null {
  const version = stored.metadata?.[SCHEMA_VERSION_FIELD];
  if (version === undefined || version === null) return 1;
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : null;
}

/** `{tenantId, month, …}`: the fields an object schema expects, for a message that says what was missing. */
function expectedFields(schema: z.ZodType): string {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape ? `{${Object.keys(shape).join(', ')}}` : 'its fields';
}

function issuesOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'data'}: ${issue.message}`)
    .join('; ');
}
