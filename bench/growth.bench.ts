/**
 * Flat with size (issue 15, goal 1): the built API in its own process (synchronous=FULL), 50 connections, each
 * request a new user / a new usage id, alternating rounds:
 * - AssignLicense into a tenant whose license already has BENCH_HOLDERS holders (default 100,000), beside a tenant
 *   with none;
 * - RecordMeteredUsage (single records) into a month that already holds BENCH_USAGE_IDS usage ids (default
 *   1,000,000), beside an empty month.
 * The big histories are written straight into the store before the API starts (test/support/scale-seed.ts).
 * `BENCH_CPU_PROF=dir` runs the API under `node --cpu-prof` (the profile lands in dir when the bench ends);
 * `BENCH_GROWTH_ONLY=assign|usage` runs one half.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { SCALE_MODULE, seedLicenseHolders, seedUsageIds } from '../test/support/scale-seed';
import { compareLoads, Figure, report } from './bench-harness';
import { load, readModelsAt, startBuiltApi } from './support/bench-api';

const HOLDERS = Number(process.env.BENCH_HOLDERS ?? 100_000);
const USAGE_IDS = Number(process.env.BENCH_USAGE_IDS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_GROWTH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const ONLY = process.env.BENCH_GROWTH_ONLY;

let next = 0;
const assignBody = () => JSON.stringify({ module: SCALE_MODULE });
const usageBody = () =>
  JSON.stringify({
    usageId: `g-${process.pid}-${next++}`,
    service: 'chat-sessions',
    quantity: 1,
    occurredAt: new Date().toISOString(),
  });

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-growth-'));
  const month = new Date().toISOString().slice(0, 7);
  const seeding = Date.now();
  const store = new SqliteEventStore({ file: join(dataDir, 'events.db'), synchronous: 'OFF' });
  // Both tenants exist (an active package) whichever half runs: metering refuses unknown tenants.
  await seedLicenseHolders(store, 'BigTenant', ONLY === 'usage' ? 0 : HOLDERS);
  await seedLicenseHolders(store, 'SmallTenant', 0);
  if (ONLY !== 'assign') await seedUsageIds(store, 'BigTenant', month, USAGE_IDS);
  const head = await store.headPosition();
  await store.close();
  console.log(
    `growth bench: seeded ${ONLY === 'usage' ? 0 : HOLDERS.toLocaleString('en-US')} holders and ${ONLY === 'assign' ? 0 : USAGE_IDS.toLocaleString('en-US')} usage ids in ` +
      `${((Date.now() - seeding) / 1000).toFixed(0)} s; ${SECONDS} s per run, ${ROUNDS} alternating rounds, ${CONNECTIONS} connections, medians; synchronous=FULL`,
  );

  const profDir = process.env.BENCH_CPU_PROF;
  const api = await startBuiltApi(dataDir, {}, profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);
  let user = 0;
  // Each request assigns the license to a user never seen before, so every one is a real decision and an append.
  // `amount`: a fixed number of requests instead of a duration (the warm-up's first request loads the stream).
  const assign =
    (tenant: string, seconds = SECONDS, amount?: number) =>
    () =>
      load(`${api.base}/v1/tenants/${tenant}/users/first/licenses`, {
        connections: amount ?? CONNECTIONS,
        seconds,
        amount,
        body: assignBody,
        path: () => `/v1/tenants/${tenant}/users/${tenant}-n${user++}/licenses`,
      });
  const usage =
    (tenant: string, seconds = SECONDS, amount?: number) =>
    () =>
      load(`${api.base}/v1/tenants/${tenant}/metered-usage`, {
        connections: amount ?? CONNECTIONS,
        seconds,
        amount,
        body: usageBody,
      });
  try {
    // The API projects in-process: let it catch up with the seeded history first, so the runs measure commands.
    await readModelsAt(api.base, `/v1/tenants/BigTenant/metering/${month}`, head);
    const figures: Figure[] = [];
    if (ONLY !== 'usage') {
      // Warm-up: loads both streams (the big one is folded once) and lets the JIT settle.
      await assign('BigTenant', 1, 1)();
      await assign('SmallTenant', 1, 1)();
      await assign('BigTenant', 1)();
      await assign('SmallTenant', 1)();
      const assigned = await compareLoads(ROUNDS, assign('BigTenant'), assign('SmallTenant'));
      const holders = HOLDERS.toLocaleString('en-US');
      figures.push(
        {
          name: `AssignLicense, ${holders} holders: throughput`,
          unit: 'req/s',
          ...assigned.rate,
          baselineName: 'no holders',
          target: 0.8,
        },
        {
          name: `AssignLicense, ${holders} holders: p99`,
          unit: 'ms',
          ...assigned.p99,
          baselineName: 'no holders',
          target: 1.5,
          atMost: true,
        },
      );
    }
    if (ONLY !== 'assign') {
      await usage('BigTenant', 1, 1)();
      await usage('SmallTenant', 1, 1)();
      await usage('BigTenant', 1)();
      await usage('SmallTenant', 1)();
      const used = await compareLoads(ROUNDS, usage('BigTenant'), usage('SmallTenant'));
      const ids = USAGE_IDS.toLocaleString('en-US');
      figures.push(
        {
          name: `usage, month of ${ids} ids: throughput`,
          unit: 'req/s',
          ...used.rate,
          baselineName: 'empty month',
          target: 0.8,
        },
        {
          name: `usage, month of ${ids} ids: p99`,
          unit: 'ms',
          ...used.p99,
          baselineName: 'empty month',
          target: 1.5,
          atMost: true,
        },
      );
    }
    process.exitCode = report('flat with size (same run, same connections)', figures) ? 0 : 1;
  } finally {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
