import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { projectionThread } from '../src';

/** Where the API's engine applies its batches: on a thread only beside embedded SQLite files, unless told not to. */
describe('the projection thread, as configured', () => {
  const repoRoot = join(__dirname, '..', '..', '..');
  const dataDir = join(repoRoot, 'data');
  const mongo = { LICENSING_READ_MODELS: 'mongodb', MONGODB_URL: 'mongodb://localhost/?replicaSet=rs0' };

  it('is on by default with the embedded stores, with their two files', () => {
    expect(projectionThread(loadConfig({ LICENSING_DATA_DIR: dataDir }, repoRoot))).toEqual({
      eventsFile: join(dataDir, 'events.db'),
      readModelsFile: join(dataDir, 'read-models.db'),
    });
  });

  it('is off when LICENSING_PROJECTION_THREAD=false, with MongoDB read models or with KurrentDB events', () => {
    expect(projectionThread(loadConfig({ LICENSING_PROJECTION_THREAD: 'false' }, repoRoot))).toBeUndefined();
    expect(projectionThread(loadConfig({ ...mongo, LICENSING_PROJECTIONS_IN_API: 'true' }, repoRoot))).toBeUndefined();
    const kurrent = { LICENSING_EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://localhost:2113?tls=false' };
    expect(projectionThread(loadConfig(kurrent, repoRoot))).toBeUndefined();
  });

  it('is off for a throw-away in-memory database, which no second connection can open', () => {
    const config = loadConfig({ LICENSING_DATA_DIR: dataDir }, repoRoot);
    const memory = {
      ...config,
      eventStore: { ...config.eventStore, sqlite: { ...config.eventStore.sqlite, file: ':memory:' } },
    };
    expect(projectionThread(memory)).toBeUndefined();
  });
});
