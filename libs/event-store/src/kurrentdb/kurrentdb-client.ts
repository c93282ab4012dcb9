import type {
  AllStreamResolvedEvent,
  AppendResult as ClientAppendResult,
  AppendToStreamOptions,
  EventData,
  ReadAllOptions as ClientReadAllOptions,
  ReadStreamOptions as ClientReadStreamOptions,
  ResolvedEvent,
  SubscribeToAllOptions as ClientSubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError } from '../event-store.errors';
import type { Revision } from '../event-store.port';
import type { LoggedEvent } from './kurrentdb-all-reads';
import { isStreamNotFound, toPortError } from './kurrentdb-errors';
import { toPortPosition } from './kurrentdb-position';
import type { Backoff, ClientAllSubscription } from './resubscribing-subscription';
import type { EventIdentity } from './stream-id-index';

/** What the KurrentDB adapter needs of the client, how it is tuned, and its two raw reads. */

/** The calls of `KurrentDBClient` this adapter makes (a test can hand in a double of just these). */
export interface KurrentClient {
  appendToStream(stream: string, events: EventData[], options: AppendToStreamOptions): Promise<ClientAppendResult>;
  readStream(stream: string, options: ClientReadStreamOptions): AsyncIterable<ResolvedEvent>;
  readAll(options: ClientReadAllOptions): AsyncIterable<AllStreamResolvedEvent>;
  subscribeToAll(options: ClientSubscribeToAllOptions): ClientAllSubscription;
  dispose(): Promise<void>;
}

export interface KurrentDbEventStoreOptions {
  /** Bound on the reachability check at start and on each health check. */
  connectTimeoutMs?: number;
  /** Resubscription backoff of catch-up subscriptions. */
  backoff?: Backoff;
  /** Wait between attempts of an append that met a concurrent writer (jittered; default 10 ms doubling to 1 s). */
  appendBackoff?: Backoff;
  /** How long one read (a page of a stream or of `$all`) may take before it fails (default 30 s). */
  readDeadlineMs?: number;
  /** How the adapter waits between append attempts; injectable so that tests need no real time. */
  delay?(ms: number): Promise<void>;
  /** Told when a subscription drops (the service logs it). */
  onSubscriptionDropped?(error: unknown, failures: number, delayMs: number): void;
  /** Told of the client's warnings about the connection string, its password masked (default: stderr). */
  onWarning?(message: string): void;
  /** For tests of the resubscription: how a subscription waits before trying again. */
  sleep?(ms: number, stopped: Promise<void>): Promise<void>;
}

/** The ids, revisions and positions of a stream's events from a revision on; null when the stream does not exist. */
export async function readIdentities(
  client: KurrentClient,
  deadline: number,
  stream: string,
  fromRevision: Revision,
  maxCount: number,
): Promise<EventIdentity[] | null> {
  const identities: EventIdentity[] = [];
  try {
    // From the leader: an append is acknowledged by the leader, and its id must be seen by the next look.
    for await (const resolved of client.readStream(stream, {
      fromRevision: BigInt(fromRevision),
      maxCount,
      requiresLeader: true,
      deadline,
    })) {
      const event = resolved.event;
      if (!event) continue;
      const what = `event ${event.id} (${stream}@${event.revision})`;
      identities.push({
        id: event.id.toLowerCase(),
        revision: Number(event.revision),
        position: toPortPosition(event.position, what),
      });
    }
  } catch (error) {
    if (isStreamNotFound(error)) return null;
    throw toPortError(error, 'read of', stream);
  }
  return identities;
}

/** One page of `$all`, as recorded events that all carry a log position. */
export async function readAllPage(
  client: KurrentClient,
  deadline: number,
  options: ClientReadAllOptions,
): Promise<LoggedEvent[]> {
  const events: LoggedEvent[] = [];
  try {
    for await (const resolved of client.readAll({ ...options, deadline })) {
      if (!resolved.event) continue;
      if (!resolved.event.position)
        throw new EventStoreUnavailableError(`event ${resolved.event.id} came from $all without a position`);
      events.push(resolved.event);
    }
  } catch (error) {
    throw toPortError(error, 'read of', '$all');
  }
  return events;
}
