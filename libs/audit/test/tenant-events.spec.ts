import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { belongsToTenant, readTenantEventPage, tenantEvents } from '../src';

describe("a tenant's events", () => {
  it.each([
    ['ledger-Cust1', 'Cust1', true],
    ['systemevents-Cust1', 'Cust1', true],
    ['metering-Cust1-2026-06', 'Cust1', true],
    ['ledger-Cust12', 'Cust1', false],
    ['systemevents-Cust12', 'Cust1', false],
    ['metering-Cust12-2026-06', 'Cust1', false],
    ['metering-Cust1-2-2026-06', 'Cust1', false],
    ['metering-Cust1-2-2026-06', 'Cust1-2', true],
    ['metering-Cust1-2026-13', 'Cust1', false],
    ['ledger-Cust1-2', 'Cust1', false],
    ['other-Cust1', 'Cust1', false],
  ])('%s belongs to tenant %s: %s', (stream, tenant, expected) =>
    expect(belongsToTenant(stream, tenant)).toBe(expected),
  );

  describe('read from the store', () => {
    let dir: string;
    let store: SqliteEventStore;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'tenant-events-'));
      store = new SqliteEventStore({ file: join(dir, 'events.db') });
    });
    afterEach(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('holds every stream kind of the tenant, in global order, and nothing of tenants with a longer name', async () => {
      const streams = [
        'ledger-Cust1',
        'ledger-Cust12',
        'metering-Cust1-2026-06',
        'metering-Cust12-2026-06',
        'systemevents-Cust1',
        'systemevents-Cust12',
        'ledger-Cust1-2',
        'metering-Cust1-2-2026-06',
      ];
      for (let round = 0; round < 5; round++) {
        for (const stream of streams) await store.append(stream, [{ type: 'Happened', data: { round } }], 'any');
      }
      const all = await store.readAll();
      const expected = all
        .filter((e) => ['ledger-Cust1', 'metering-Cust1-2026-06', 'systemevents-Cust1'].includes(e.stream))
        .map((e) => e.position);
      expect(expected).toHaveLength(15);

      const streamed = [];
      for await (const event of tenantEvents(store, 'Cust1', { pageSize: 4 })) streamed.push(event.position);
      expect(streamed).toEqual(expected);

      const paged = [];
      let from = 0n;
      for (;;) {
        const page = await readTenantEventPage(store, 'Cust1', from, 4);
        paged.push(...page.events.map((e) => e.position));
        if (page.nextPosition === null) break;
        expect(page.events).toHaveLength(4);
        expect(page.nextPosition).toBe(expected[paged.length]);
        from = page.nextPosition;
      }
      expect(paged).toEqual(expected);
    });

    it('an empty page without a next position past the end', async () => {
      await store.append('ledger-Cust1', [{ type: 'Happened', data: {} }], 'no_stream');
      expect(await readTenantEventPage(store, 'Cust1', 2n, 10)).toEqual({ events: [], nextPosition: null });
      expect(await readTenantEventPage(store, 'Nobody', 0n, 10)).toEqual({ events: [], nextPosition: null });
    });
  });
});
