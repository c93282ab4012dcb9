/** `npm run bench`: every benchmark in turn, each in its own process so one cannot warm the caches of another. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const benches = ['event-store.bench.js', 'projections.bench.js', 'metering.bench.js'];
let failed = false;
for (const bench of benches) {
  const run = spawnSync(process.execPath, [join(__dirname, bench)], { stdio: 'inherit', env: process.env });
  if (run.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
