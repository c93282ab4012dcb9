import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordedEvent, SqliteEventStore } from '@app/event-store';
import {
  exportTenantHistory,
  HistoryFileError,
  importHistory,
  ImportRefusedError,
  readHistoryFile,
  tenantEvents,
  verifyHistory,
} from '../src';
import { Issuer, makeIssuer } from '../../../test/support/signed-packages';
import { AuditWorld, writeAuditedHistory } from './audit-fixtures';

const TENANT = 'Cust1';

describe("exporting a tenant's history and importing it into an empty store", () => {
  let issuer: Issuer;
  let world: AuditWorld;
  let fresh: SqliteEventStore;
  let file: string;

  beforeAll(() => (issuer = makeIssuer()));
  beforeEach(async () => {
    world = await writeAuditedHistory(issuer, TENANT);
    fresh = new SqliteEventStore({ file: join(world.dir, 'fresh.db') });
    file = join(world.dir, 'history.ndjson');
    writeFileSync(file, '');
  });
  afterEach(async () => {
    await fresh.close();
    await world.close();
  });

  const collect = async (events: AsyncIterable<RecordedEvent>) => {
    const all: RecordedEvent[] = [];
    for await (const event of events) all.push(event);
    return all;
  };
  const withoutStoreFields = ({ position: _p, recordedAt: _r, ...event }: RecordedEvent) => event;

  it('keeps streams, revisions, ids, types, data and metadata, so every chain still holds', async () => {
    const original = await collect(tenantEvents(world.store, TENANT));
    const exported = await exportTenantHistory(world.store, TENANT, (line) => appendFileSync(file, line));
    expect(exported.events).toBe(original.length);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(original.length);

    const imported = await importHistory(fresh, () => readHistoryFile(file));
    expect(imported).toEqual({ events: original.length, streams: 2 });
    const copy = await collect(tenantEvents(fresh, TENANT));
    expect(copy.map(withoutStoreFields)).toEqual(original.map(withoutStoreFields));
    // The other tenant, whose id begins alike, stayed behind.
    expect(await fresh.readAll()).toHaveLength(original.length);
    expect(copy.map((e) => e.position)).not.toEqual(original.map((e) => e.position));

    const report = await verifyHistory(tenantEvents(fresh, TENANT), world.roots);
    expect(report).toMatchObject({ ok: true, checkedEvents: original.length });
    expect(report.packages.every((p) => p.signatureValid && p.chainValid)).toBe(true);
  });

  it('refuses a store that is not empty, and writes nothing', async () => {
    await exportTenantHistory(world.store, TENANT, (line) => appendFileSync(file, line));
    const head = await world.store.headPosition();
    await expect(importHistory(world.store, () => readHistoryFile(file))).rejects.toThrow(ImportRefusedError);
    expect(await world.store.headPosition()).toBe(head);
  });

  it('refuses a history with a missing event before writing anything', async () => {
    await exportTenantHistory(world.store, TENANT, (line) => appendFileSync(file, line));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, [...lines.slice(0, 3), ...lines.slice(4)].join('\n'));
    await expect(importHistory(fresh, () => readHistoryFile(file))).rejects.toThrow(
      /revision \d+ where \d+ should come/,
    );
    expect(await fresh.headPosition()).toBeNull();
  });

  it('names the line that is not an event', async () => {
    await exportTenantHistory(world.store, TENANT, (line) => appendFileSync(file, line));
    appendFileSync(file, '{"position":"1","stream":"ledger-Cust1"}\n');
    const count = readFileSync(file, 'utf8').trim().split('\n').length;
    const error = await importHistory(fresh, () => readHistoryFile(file)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryFileError);
    expect((error as Error).message).toBe(`${file}, line ${count}: revision must be an integer ≥ 0`);
    expect(await fresh.headPosition()).toBeNull();
  });
});
