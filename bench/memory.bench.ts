/**
 * Bounded memory (issue 15, goal 2): a tenant-month of BENCH_MEMORY_IDS usage ids (default 1,000,000), written
 * straight into the store. The API records one usage record into it (a full fold, which saves a snapshot), stops,
 * and starts again; then, once warm (one record into another tenant's month), one more record goes into the big
 * month: its latency and the RSS it adds are the figures. The same is measured with snapshots off
 * (LICENSING_SNAPSHOTS=false: the whole month folded, as before snapshots) as the baseline of the same run.
 * The API runs without in-process projections and notices (as beside a projector), so that the figures are the
 * command path's: otherwise a restart also catches the projections up with the seeded million records.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { seedLicenseHolders, seedUsageIds } from '../test/support/scale-seed';
import { AUTH_HEADERS, rssOf, startBuiltApi } from './support/bench-api';

const IDS = Number(process.env.BENCH_MEMORY_IDS ?? 1_000_000);
const COMMANDS_ONLY = { LICENSING_PROJECTIONS_IN_API: 'false', LICENSING_PROCESS_MANAGERS_IN_API: 'false' };
const MB = 1024 * 1024;

let next = 0;
async function recordOne(base: string, tenant: string): Promise<number> {
  const body = JSON.stringify({
    usageId: `m-${process.pid}-${next++}`,
    service: 'chat-sessions',
    quantity: 1,
    occurredAt: new Date().toISOString(),
  });
  const started = process.hrtime.bigint();
  const answer = await fetch(`${base}/v1/tenants/${tenant}/metered-usage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AUTH_HEADERS },
    body,
  });
  await answer.arrayBuffer();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (answer.status !== 202) throw new Error(`usage answered ${answer.status}`);
  return ms;
}

/** A fresh API over the data directory: warm, then one record into the big month; its latency and added RSS. */
async function firstRecordAfterRestart(
  dataDir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; rssMb: number }> {
  const api = await startBuiltApi(dataDir, { ...COMMANDS_ONLY, ...env });
  try {
    await recordOne(api.base, 'WarmTenant');
    await recordOne(api.base, 'WarmTenant');
    const before = rssOf(api.child.pid!);
    const ms = await recordOne(api.base, 'BigTenant');
    const after = rssOf(api.child.pid!);
    return { ms, rssMb: before === null || after === null ? NaN : (after - before) / MB };
  } finally {
    await api.stop();
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
  const month = new Date().toISOString().slice(0, 7);
  try {
    const store = new SqliteEventStore({ file: join(dataDir, 'events.db'), synchronous: 'OFF' });
    // Both tenants exist (an active package): metering refuses unknown tenants.
    await seedLicenseHolders(store, 'BigTenant', 0);
    await seedLicenseHolders(store, 'WarmTenant', 0);
    await seedUsageIds(store, 'BigTenant', month, IDS);
    await store.close();
    // First life: fold the month once, which saves its snapshot (a graceful stop waits for the save).
    const first = await startBuiltApi(dataDir, COMMANDS_ONLY);
    try {
      await recordOne(first.base, 'BigTenant');
      await recordOne(first.base, 'WarmTenant');
    } finally {
      await first.stop();
    }
    const withSnapshots = await firstRecordAfterRestart(dataDir, {});
    const withoutSnapshots = await firstRecordAfterRestart(dataDir, { LICENSING_SNAPSHOTS: 'false' });
    const ids = IDS.toLocaleString('en-US');
    const rows = [
      {
        figure: `first record after restart, month of ${ids} ids: latency`,
        subject: `${withSnapshots.ms.toFixed(0)} ms`,
        baseline: `${withoutSnapshots.ms.toFixed(0)} ms (no snapshots)`,
        target: '≤ 200 ms',
        verdict: withSnapshots.ms <= 200 ? 'ok' : 'MISSES',
      },
      {
        figure: `first record after restart, month of ${ids} ids: RSS added`,
        subject: `${withSnapshots.rssMb.toFixed(1)} MB`,
        baseline: `${withoutSnapshots.rssMb.toFixed(1)} MB (no snapshots)`,
        target: '≤ 64 MB',
        verdict: withSnapshots.rssMb <= 64 ? 'ok' : 'MISSES',
      },
    ];
    console.log(
      `\nbounded memory: ${ids} usage ids in one tenant-month, API restarted (RSS from /proc, before and after the one record)`,
    );
    console.table(rows);
    process.exitCode = rows.every((row) => row.verdict === 'ok') ? 0 : 1;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
