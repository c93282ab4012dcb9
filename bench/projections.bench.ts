/**
 * Rebuild rate of all projections from position 0, beside raw readAll of the same events (paged through the port,
 * decoded, nothing else), in the same run, alternating rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { ALL_PROJECTIONS, rebuildProjections } from '../libs/projections/src';
import { SqliteReadModelStore } from '../libs/read-models/src';
import { writeLedgerBacklog } from '../test/support/ledger-backlog';
import { compare, report } from './bench-harness';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 10);
const COMMANDS = Number(process.env.BENCH_COMMANDS_PER_TENANT ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-projections-'));
  // The embedded layout: events and read models in two SQLite files of one data directory.
  const events = new SqliteEventStore({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
  const readModels = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
  try {
    const written = await writeLedgerBacklog(events, { tenants: TENANTS, commandsPerTenant: COMMANDS });
    console.log(
      `projections bench: ${written} ledger events in ${TENANTS} tenants, ${ALL_PROJECTIONS.length} projections, ${ROUNDS} alternating rounds, medians`,
    );
    const rates = await compare(
      ROUNDS,
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
    const ok = report('projections: rebuild / raw readAll', [
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
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
