import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EventStore, NewEvent, RecordedEvent } from '@app/event-store';
import { fromAuditEvent, toAuditEvent } from './audit-event';
import { tenantEvents } from './tenant-events';

/**
 * A tenant's history as NDJSON: one event per line, in global order, in the shape of `GET /events` items. Importing
 * it into an empty store keeps streams, revisions, event ids, types, data and metadata — so the hash chains hold —
 * while the new store hands out its own positions and recording times.
 */

export async function exportTenantHistory(
  store: EventStore,
  tenant: string,
  writeLine: (line: string) => Promise<void> | void,
  onEvent?: (event: RecordedEvent) => void,
): Promise<{ events: number }> {
  let events = 0;
  for await (const event of tenantEvents(store, tenant)) {
    await writeLine(`${JSON.stringify(toAuditEvent(event))}\n`);
    events++;
    onEvent?.(event);
  }
  return { events };
}

/** The events of an exported file, in file order; a bad line throws an error naming its number. */
export async function* readHistoryFile(path: string): AsyncGenerator<RecordedEvent> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new HistoryFileError(`${path}, line ${number}: not JSON (${(error as Error).message})`);
    }
    try {
      yield fromAuditEvent(parsed);
    } catch (error) {
      if (error instanceof HistoryFileError) throw error;
      throw new HistoryFileError(`${path}, line ${number}: ${(error as Error).message}`);
    }
  }
}

export class HistoryFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryFileError';
  }
}

export class ImportRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportRefusedError';
  }
}

const MAX_APPEND = 500;

/**
 * Imports a history into an EMPTY store. The whole history is checked first (every stream starts at revision 0
 * and goes on without a gap), so that a bad file writes nothing; then consecutive events of one stream are
 * appended together, in the history's order, each append expecting the stream's exact revision.
 */
export async function importHistory(
  store: EventStore,
  history: () => AsyncIterable<RecordedEvent>,
  options: { onChecked?: (events: number) => void; onImported?: (events: number) => void } = {},
): Promise<{ events: number; streams: number }> {
  await assertEmpty(store);
  const next = new Map<string, number>();
  let total = 0;
  for await (const event of history()) {
    const expected = next.get(event.stream) ?? 0;
    if (event.revision !== expected) {
      throw new ImportRefusedError(
        `stream ${event.stream}: revision ${event.revision} where ${expected} should come; the history is incomplete or out of order`,
      );
    }
    next.set(event.stream, expected + 1);
    total++;
  }
  options.onChecked?.(total);
  await assertEmpty(store);

  let imported = 0;
  let batch: RecordedEvent[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const first = batch[0].revision;
    const events: NewEvent[] = batch.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }));
    await store.append(batch[0].stream, events, first === 0 ? 'no_stream' : first - 1);
    imported += batch.length;
    batch = [];
    options.onImported?.(imported);
  };
  for await (const event of history()) {
    if (batch.length > 0 && (batch[0].stream !== event.stream || batch.length >= MAX_APPEND)) await flush();
    batch.push(event);
  }
  await flush();
  return { events: imported, streams: next.size };
}

async function assertEmpty(store: EventStore): Promise<void> {
  const head = await store.headPosition();
  if (head !== null)
    throw new ImportRefusedError(
      `the target event store is not empty (head position ${head}): import only into an empty store`,
    );
}
