import { rmSync } from 'node:fs';
import { openReadModelStore, ReadModelStoreUnavailableError, SqliteReadModelStore } from '../src';
import { freePort } from '../../../test/support/spawn-api';
import { testConfig } from '../../../test/support/test-config';

describe('openReadModelStore', () => {
  it('opens the embedded store by default', async () => {
    const config = testConfig();
    const store = await openReadModelStore(config);
    expect(store).toBeInstanceOf(SqliteReadModelStore);
    await store.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('stops with a clear error, within the connect timeout, when the selected MongoDB cannot be reached', async () => {
    const port = await freePort();
    const config = testConfig({
      LICENSING_READ_MODELS: 'mongodb',
      MONGODB_URL: `mongodb://reader:s3cret@127.0.0.1:${port}/?replicaSet=rs0`,
      LICENSING_CONNECT_TIMEOUT_MS: '1000',
    });
    const started = Date.now();
    const error = await openReadModelStore(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadModelStoreUnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^cannot reach MongoDB at mongodb://reader:\\*\\*\\*@127\\.0\\.0\\.1:${port}/\\?replicaSet=rs0: MongoDB did not answer within 1000 ms`,
      ),
    );
    expect((error as Error).message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(8_000);
    rmSync(config.dataDir, { recursive: true, force: true });
  });
});
