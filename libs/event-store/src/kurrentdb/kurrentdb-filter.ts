import { eventTypeFilter, excludeSystemEvents, Filter, streamNameFilter } from '@kurrent/kurrentdb-client';
import { streamPrefixes } from '../append-rules';
import type { AllFilter } from '../event-store.port';

/**
 * The port's `$all` filter for KurrentDB. The server filters on one thing only — stream name or event type, by
 * prefixes or a regex — so the adapter sends the most selective part and checks the whole filter on every event
 * it receives (`matchesFilter`), which also keeps KurrentDB's own `$`-events out: the port has no such streams.
 */
export function serverFilter(filter: AllFilter | undefined): Filter {
  const prefixes = streamPrefixes(filter?.streamPrefix);
  if (prefixes.length > 0) return streamNameFilter({ prefixes });
  const types = filter?.eventTypes ?? [];
  if (types.length > 0) return eventTypeFilter({ regex: exactAlternatives(types) });
  return excludeSystemEvents();
}

/** Does an event (by its stream and type) belong in a read with this filter? */
export function matchesFilter(event: { stream: string; type: string }, filter: AllFilter | undefined): boolean {
  if (isSystem(event)) return false;
  const prefixes = streamPrefixes(filter?.streamPrefix);
  if (prefixes.length > 0 && !prefixes.some((prefix) => event.stream.startsWith(prefix))) return false;
  const types = filter?.eventTypes ?? [];
  return types.length === 0 || types.includes(event.type);
}

/** KurrentDB's own streams and events (statistics, metadata, links, settings) start with '$'. */
export function isSystem(event: { stream: string; type: string }): boolean {
  return event.stream.startsWith('$') || event.type.startsWith('$');
}

/** A regex matching exactly one of the names: event types are matched whole, not as prefixes. */
export function exactAlternatives(names: string[]): string {
  return `^(?:${names.map(escapeRegex).join('|')})$`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
