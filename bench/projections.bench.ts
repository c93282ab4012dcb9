/**
 * Rebuild rate of all projections from position 0, beside raw readAll of the same events (paged through the port,
 * decoded, nothing else), in the same run, alternating rounds.
 *
 * Measured fairly and steadily (session 21): the ratio swung from 0.46 to 0.62 between runs of the unchanged code.
 * Causes found, and what the bench does about each — none of it changes what is measured (the subject is still a
 * full rebuild of every projection from position 0, reset included, into the real read-model store; the baseline
 * still the raw readAll of the same events through the port):
 * - Three rounds, the first of them cold (unoptimised code; a read-model file still empty, which the first rebuild
 *   need not reset). A median of three with one cold round is the slower of two warm rounds for the rebuild but
 *   could be the cold round for readAll, which ran first on a small clean heap. Now: two warm-up rounds of each,
 *   unmeasured, then fifteen measured rounds.
 * - Not done, on purpose: a forced full GC before each run (so that neither side collects the other's garbage)
 *   made the rebuild 30–45 % slower and the ratio 0.25–0.34 instead of 0.47. Not through the collector (the same
 *   scavenges, no mark-compact during the rebuild, a young generation of 32 MB before and after): the rebuild that
 *   followed each forced GC re-optimised 67–110 functions and deoptimised 15–45 (`--trace-opt --trace-deopt`),
 *   against 0–8 and none without. It would measure freshly dropped compiled code, not the rebuild.
 * - The read models' WAL checkpoints landed on whichever round crossed SQLite's 1,000-page threshold (a rebuild
 *   writes about 400 pages, so every second or third round copied and fsynced the previous rounds' pages as well).
 *   Now every run starts from a checkpointed WAL of both files: each round pays for its own writes, and no round
 *   for another's. RESTART rather than TRUNCATE: the next writer reuses the WAL file from its start, as SQLite does
 *   after any complete checkpoint, instead of growing a truncated file again. (The live engine moves checkpoints off the event loop anyway.)
 * - The ratio of two medians may pair a baseline from a quiet second with a subject from a busy one: on the shared
 *   2-core machine, other engineers' load comes and goes over seconds, and moved raw readAll alone between 76k and
 *   310k events/s. Now the verdict is on the median of each round's own ratio (its two runs follow each other
 *   within a second); the medians of the rates are still printed.
 *
 * Session 22: the rebuild reads through the store's `readAllAhead` (a reader thread of the store's own, started by the
 * first rebuild and kept, so the warm-up rounds warm it as they warm the main thread's code); the baseline is still
 * readAll on the main thread. On a machine with no free core the thread gains nothing (PROFILES.md).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { ALL_PROJECTIONS, rebuildProjections } from '../libs/projections/src';
import { SqliteReadModelStore } from '../libs/read-models/src';
import { writeLedgerBacklog } from '../test/support/ledger-backlog';
import { comparePaired, report } from './bench-harness';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 10);
const COMMANDS = Number(process.env.BENCH_COMMANDS_PER_TENANT ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const WARMUP = Number(process.env.BENCH_WARMUP_ROUNDS ?? 2);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-projections-'));
  // The embedded layout: events and read models in two SQLite files of one data directory.
  const events = new SqliteEventStore({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
  const readModels = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
  // Side connections that only checkpoint the WALs between runs (see the header).
  const walsOf = [join(dir, 'events.db'), join(dir, 'read-models.db')].map((file) => new Database(file));
  try {
    const written = await writeLedgerBacklog(events, { tenants: TENANTS, commandsPerTenant: COMMANDS });
    console.log(
      `projections bench: ${written} ledger events in ${TENANTS} tenants, ${ALL_PROJECTIONS.length} projections, ${WARMUP} warm-up + ${ROUNDS} alternating rounds, median of paired ratios`,
    );
    const rates = await comparePaired(
      {
        rounds: ROUNDS,
        warmup: WARMUP,
        settle: () => {
          for (const db of walsOf) db.pragma('wal_checkpoint(RESTART)');
        },
      },
      async () => (await rebuildProjections(events, readModels, ALL_PROJECTIONS)).events,
      async () => {
        let count = 0;
        let after: bigint | undefined;
        for (;;) {
          const page = await events.readAll({ afterPosition: after, maxCount: 1000 });
          count += page.length;
          if (page.length < 1000) return count;
          after = page[page.length - 1].position;
        }
      },
    );
    const ok = report('projections: rebuild / raw readAll (median of paired rounds)', [
      {
        name: `rebuild of ${ALL_PROJECTIONS.length} projections`,
        unit: 'events/s',
        ...rates,
        baselineName: 'raw readAll',
        target: 0.65,
      },
    ]);
    process.exitCode = ok ? 0 : 1;
  } finally {
    for (const db of walsOf) db.close();
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
