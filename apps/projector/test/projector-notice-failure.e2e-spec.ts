import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, SqliteEventStore } from '@app/event-store';
import { projectorHealth } from '../src/projector-health';
import { startProjector } from '../../../test/support/spawn-projector';

/** Issue 13, item 11: a notice process manager that fails is reported by health and stops the projector (exit 1). */
describe('projector with a failing notice process manager', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'projector-notice-failure-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('exits non-zero, saying a notice process manager failed', async () => {
    const events = new SqliteEventStore({ file: join(dataDir, 'events.db') });
    // A threshold event that breaks the metering contract: the metering-notices manager stops rather than skip it.
    await events.append(
      'metering-T-2026-01',
      [{ id: randomUUID(), type: 'MeteringThresholdExceeded', data: { tenantId: 'T' } }],
      'no_stream',
    );
    await events.close();
    const projector = startProjector({ LICENSING_DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    expect(await projector.exited).toEqual({ code: 1, signal: null });
    expect(projector.logs.join('\n')).toContain('a notice process manager failed: the projector stops (exit 1)');
  });

  it("reports a failed process manager in the projector's health", async () => {
    const events = { health: async () => ({ status: 'up', adapter: 'sqlite', headPosition: '7' }) } as Pick<
      EventStore,
      'health'
    > as EventStore;
    const health = await projectorHealth(
      events,
      {
        projections: [{ name: 'status', position: 7n }],
        processManagers: [{ name: 'metering-notices', position: null }],
      },
      { processManagers: new Error('broken contract') },
    );
    expect(health).toMatchObject({
      status: 'failed',
      projections: { failed: false },
      processManagers: {
        failed: true,
        error: 'broken contract',
        positions: [{ name: 'metering-notices', position: null }],
      },
    });
  });
});
