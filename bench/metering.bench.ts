/**
 * Durable commands near the shell (issue 15, goal 4), against the built API in its own process with
 * synchronous=FULL, loaded by autocannon, each beside the do-nothing route of the same app (POST /baseline/noop)
 * in alternating rounds, medians:
 * - single usage records, 50 connections (target ≥ 0.5 of the no-op route);
 * - AssignLicense, 50 connections, each request a new user (target ≥ 0.4 of the no-op route);
 * - batches of 1,000 records, 4 connections, beside the no-op route fed the same bodies (target ≥ 150,000 records/s).
 * Every usage id is new, so every record is counted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { SCALE_MODULE, seedLicenseHolders } from '../test/support/scale-seed';
import { compare, report } from './bench-harness';
import { load, startBuiltApi } from './support/bench-api';

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const BATCH = 1000;
const BATCH_CONNECTIONS = 4;
const TENANT = 'Cust12345';
const BATCH_TARGET = 150_000;

let next = 0;
const record = () => ({
  usageId: `bench-${process.pid}-${next++}`,
  service: 'chat-sessions',
  quantity: 1,
  occurredAt: new Date().toISOString(),
});
const singleBody = () => JSON.stringify(record());
const batchBody = () => JSON.stringify({ records: Array.from({ length: BATCH }, record) });
const assignBody = () => JSON.stringify({ module: SCALE_MODULE });

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-metering-'));
  // A tenant with an active package (written straight into the store: no signing in the bench).
  const store = new SqliteEventStore({ file: join(dataDir, 'events.db') });
  await seedLicenseHolders(store, TENANT, 0);
  await store.close();
  const api = await startBuiltApi(
    dataDir,
    {},
    process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
  );
  try {
    const noop = `${api.base}/baseline/noop`;
    const usage = `${api.base}/v1/tenants/${TENANT}/metered-usage`;
    let user = 0;
    const assign = (seconds: number) =>
      load(`${api.base}/v1/tenants/${TENANT}/users/first/licenses`, {
        connections: CONNECTIONS,
        seconds,
        body: assignBody,
        path: () => `/v1/tenants/${TENANT}/users/u${user++}/licenses`,
      });
    const requests = async (run: Promise<{ requests: number }>) => (await run).requests;
    console.log(
      `durable commands bench: ${SECONDS} s per run, ${ROUNDS} alternating rounds, medians; API in its own process, synchronous=FULL, LOG_LEVEL=warn`,
    );
    // One short run of each first, so that neither side pays for the JIT and the first file growth.
    await load(noop, { connections: CONNECTIONS, seconds: 1, body: singleBody });
    await load(usage, { connections: CONNECTIONS, seconds: 1, body: singleBody });
    await assign(1);
    const single = await compare(
      ROUNDS,
      () => requests(load(usage, { connections: CONNECTIONS, seconds: SECONDS, body: singleBody })),
      () => requests(load(noop, { connections: CONNECTIONS, seconds: SECONDS, body: singleBody })),
    );
    const assigned = await compare(
      ROUNDS,
      () => requests(assign(SECONDS)),
      () => requests(load(noop, { connections: CONNECTIONS, seconds: SECONDS, body: assignBody })),
    );
    const batch = await compare(
      ROUNDS,
      async () =>
        (await requests(load(usage, { connections: BATCH_CONNECTIONS, seconds: SECONDS, body: batchBody }))) * BATCH,
      async () =>
        (await requests(load(noop, { connections: BATCH_CONNECTIONS, seconds: SECONDS, body: batchBody }))) * BATCH,
    );
    const ok = report('durable commands over HTTP (synchronous=FULL) / the no-op route of the same app', [
      {
        name: `single usage record, ${CONNECTIONS} connections`,
        unit: 'req/s',
        ...single,
        baselineName: 'no-op route',
        target: 0.5,
      },
      {
        name: `AssignLicense, ${CONNECTIONS} connections`,
        unit: 'req/s',
        ...assigned,
        baselineName: 'no-op route',
        target: 0.4,
      },
      {
        name: `usage batches of ${BATCH}, ${BATCH_CONNECTIONS} connections`,
        unit: 'records/s',
        ...batch,
        baselineName: 'no-op route, same bodies',
      },
    ]);
    const batchOk = batch.subject >= BATCH_TARGET;
    console.log(
      `batch ingestion: ${Math.round(batch.subject).toLocaleString('en-US')} records/s — ${batchOk ? 'ok' : 'MISSES'} (target ≥ ${BATCH_TARGET.toLocaleString('en-US')} records/s, an absolute figure)`,
    );
    process.exitCode = ok && batchOk ? 0 : 1;
  } finally {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
