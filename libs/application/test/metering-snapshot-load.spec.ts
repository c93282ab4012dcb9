import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metering, meteringStateCodec, meteringStream } from '@app/domain';
import { FileSnapshotStore } from '@app/event-store';

/**
 * A month's usage-id table (16 MB at a million ids) is used where the snapshot file was read into, not copied: a
 * copy into fresh memory cost 60-110 ms of page faults here, half of the first record after a restart (goal 2).
 */
describe('a metering month loaded from its snapshot file', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['A', 'Tenant-7', 'Cust12345', 'a-much-longer-tenant-name'])(
    'views its id table in the loaded file buffer (tenant %s)',
    async (tenant) => {
      dir = mkdtempSync(join(tmpdir(), 'metering-snapshot-'));
      const store = new FileSnapshotStore(dir);
      const state = metering.initialState();
      for (let i = 0; i < 100; i++) state.usageIds.add(`u-${i}`);
      const stream = meteringStream(tenant, '2026-11');
      const encoded = meteringStateCodec.encode(state);
      await store.save({ stream, revision: 99, version: 1, position: null, lastHash: null, state: encoded, extra: [] });
      const loaded = await store.load(stream);
      const month = meteringStateCodec.decode(loaded!.state);
      expect(month.usageIds.size).toBe(100);
      expect(month.usageIds.has('u-42') && !month.usageIds.has('u-100')).toBe(true);
      expect(month.usageIds.bytes().buffer).toBe(loaded!.state.buffer);
    },
  );
});
