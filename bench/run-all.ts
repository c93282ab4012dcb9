/**
 * `npm run bench`: every benchmark in turn, each in its own process so one cannot warm the caches of another.
 * Each prints its figures beside a baseline measured in the same run, with the target and a verdict (issue 15).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const benches = [
  'event-store.bench.js', // the store's appends and reads beside raw better-sqlite3
  'projections.bench.js', // goal 5: rebuild / raw readAll ≥ 0.65
  'shell.bench.js', // goal 3: the no-op route / a bare Fastify route ≥ 0.5
  'metering.bench.js', // goal 4: durable single usage ≥ 0.5, AssignLicense ≥ 0.4 of the no-op route; batches ≥ 150k records/s
  'growth.bench.js', // goal 1: AssignLicense with 100k holders, usage into a month of 1M ids, beside empty ones
  'memory.bench.js', // goal 2: a month of 1M ids after a restart: ≤ 64 MB RSS, first record ≤ 200 ms
];
const started = Date.now();
let failed = false;
for (const bench of benches) {
  const run = spawnSync(process.execPath, [join(__dirname, bench)], { stdio: 'inherit', env: process.env });
  if (run.status !== 0) failed = true;
}
console.log(
  `\nnpm run bench: ${((Date.now() - started) / 60_000).toFixed(1)} minutes; ${failed ? 'some figures MISS their targets (see above)' : 'every figure meets its target'}`,
);
process.exitCode = failed ? 1 : 0;
