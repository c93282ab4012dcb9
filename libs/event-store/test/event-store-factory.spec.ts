import { rmSync } from 'node:fs';
import { EventStoreUnavailableError, SqliteEventStore } from '../src';
import { createEventStore, openEventStore } from '../src/event-store.factory';
import { KurrentDbEventStore } from '../src/kurrentdb/kurrentdb-event-store';
import { freePort } from '../../../test/support/spawn-api';
import { testConfig } from '../../../test/support/test-config';

describe('openEventStore', () => {
  it('opens the embedded store by default', async () => {
    const config = testConfig();
    const store = await openEventStore(config);
    expect(store).toBeInstanceOf(SqliteEventStore);
    await store.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('stops with a clear error, within the connect timeout, when the selected KurrentDB cannot be reached', async () => {
    const port = await freePort();
    const config = testConfig({
      LICENSING_EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: `kurrentdb://admin:changeit@127.0.0.1:${port}?tls=false`,
      LICENSING_CONNECT_TIMEOUT_MS: '3000',
    });
    const started = Date.now();
    const error = await openEventStore(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^cannot reach KurrentDB at kurrentdb://admin:\\*\\*\\*@127\\.0\\.0\\.1:${port}\\?tls=false within 3000 ms: `,
      ),
    );
    expect((error as Error).message).not.toContain('changeit');
    expect(Date.now() - started).toBeLessThan(10_000);
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('a KurrentDB configuration gives the KurrentDB adapter, which connects when first used', async () => {
    const config = testConfig({
      LICENSING_EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: 'kurrentdb://127.0.0.1:2113?tls=false',
    });
    const store = createEventStore(config);
    expect(store).toBeInstanceOf(KurrentDbEventStore);
    await store.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });
});
