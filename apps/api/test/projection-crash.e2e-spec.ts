import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { LEDGER_PROJECTIONS, rebuildProjections } from '@app/projections';
import { ReadModelStore, SqliteReadModelStore } from '@app/read-models';
import { writeLedgerBacklog } from '../../../test/support/ledger-backlog';
import { RunningApi, spawnApi, startApi } from '../../../test/support/spawn-api';
import { checkedFetch } from '../../../test/support/checked-fetch';
import { authHeaders } from '../../../test/support/test-credentials';

async function dump(store: ReadModelStore): Promise<Record<string, unknown[]>> {
  const all: Record<string, unknown[]> = {};
  for (const projection of LEDGER_PROJECTIONS) {
    for (const collection of Object.keys(projection.collections))
      all[collection] = (await store.find(collection)).items;
  }
  return all;
}

/** Read-only, so that looking never takes a lock the projecting API needs. */
function checkpoints(file: string): Array<bigint | null> {
  if (!existsSync(file)) return LEDGER_PROJECTIONS.map(() => null);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const select = db.prepare('SELECT position FROM rm_checkpoints WHERE projection = ?');
    return LEDGER_PROJECTIONS.map((p) => {
      const row = select.get(p.name) as { position: number } | undefined;
      return row ? BigInt(row.position) : null;
    });
  } catch {
    return LEDGER_PROJECTIONS.map(() => null); // the schema may not exist yet
  } finally {
    db.close();
  }
}

describe('projections survive SIGKILL of the API in the middle of a backlog', () => {
  let dataDir: string;
  const running: RunningApi[] = [];
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'projection-crash-'))));
  afterEach(() => {
    for (const api of running) api.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('after a restart every read model equals a fresh rebuild from the same events', async () => {
    // (120 s bound: two API processes start under ts-node and project a backlog of about 20,000 events.)
    const eventsFile = join(dataDir, 'events.db');
    const readModelsFile = join(dataDir, 'read-models.db');
    const writer = new SqliteEventStore({ file: eventsFile, synchronous: 'NORMAL' });
    const written = await writeLedgerBacklog(writer, { tenants: 6, commandsPerTenant: 4000 });
    const head = (await writer.headPosition())!;
    await writer.close();
    expect(written).toBeGreaterThan(10_000);

    // Tiny batches: thousands of commits, so the kill lands between two of them or inside one. Checkpoints are
    // watched from the moment the process starts, since it projects before it listens.
    // Checkpoints are compared with the backlog's head: no notices may be appended after it.
    const env = {
      LICENSING_DATA_DIR: dataDir,
      LICENSING_PROJECTION_BATCH_SIZE: '3',
      LOG_LEVEL: 'info',
      LICENSING_PROCESS_MANAGERS_IN_API: 'false',
    };
    const first = await startApi(env);
    running.push(first);
    let seen: Array<bigint | null>;
    const deadline = Date.now() + 60_000;
    for (;;) {
      seen = checkpoints(readModelsFile);
      if (seen.some((position) => position !== null && position > 0n)) break;
      if (Date.now() > deadline) throw new Error('the API never started projecting');
      await new Promise((resolve) => setImmediate(resolve));
    }
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const atKill = checkpoints(readModelsFile);
    // The kill came in the middle: at least one projection had not reached the end of the backlog.
    expect(atKill.some((position) => position === null || position < head)).toBe(true);

    const second = await spawnApi({
      ...env,
      LICENSING_PROJECTION_BATCH_SIZE: '500',
      LICENSING_MIN_POSITION_TIMEOUT_MS: '60000',
    });
    running.push(second);
    for (const path of ['licenses', 'status', 'users/user1/licenses']) {
      const response = await checkedFetch(second.baseUrl)(
        `${second.baseUrl}/v1/tenants/Tenant0/${path}?minPosition=${head}`,
        { headers: authHeaders() },
      );
      expect(response.status).toBe(200);
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    const events = new SqliteEventStore({ file: eventsFile });
    const recovered = new SqliteReadModelStore({ file: readModelsFile });
    const fresh = new SqliteReadModelStore({ file: join(dataDir, 'fresh-rebuild.db') });
    try {
      await rebuildProjections(events, fresh, LEDGER_PROJECTIONS);
      const [recoveredDocuments, freshDocuments] = [await dump(recovered), await dump(fresh)];
      expect(recoveredDocuments.license_holdings.length).toBeGreaterThan(1000);
      expect(recoveredDocuments).toEqual(freshDocuments);
      expect(await Promise.all(LEDGER_PROJECTIONS.map((p) => recovered.checkpoint(p.name)))).toEqual(
        LEDGER_PROJECTIONS.map(() => head),
      );
    } finally {
      await Promise.all([events.close(), recovered.close(), fresh.close()]);
    }
  }, 120_000);
});
