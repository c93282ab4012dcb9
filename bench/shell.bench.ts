/**
 * A cheap shell (issue 15, goal 3): the API's do-nothing POST route (POST /baseline/noop: body parsed, validated,
 * logged, answered) beside a bare Fastify POST route doing the same, each in its own process, started by this
 * bench, 50 connections, alternating rounds, medians.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { compareLoads, report } from './bench-harness';
import { load, startBuiltApi } from './support/bench-api';

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
let next = 0;
const body = () =>
  JSON.stringify({
    usageId: `s-${next++}`,
    service: 'chat-sessions',
    quantity: 1,
    occurredAt: new Date().toISOString(),
  });

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-shell-'));
  const bare = spawn(process.execPath, [join(__dirname, 'support', 'bare-fastify.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const bareExited = new Promise((resolve) => bare.once('exit', resolve));
  const api = await startBuiltApi(
    dataDir,
    {},
    process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
  );
  try {
    const port = await new Promise<string>((resolve, reject) => {
      createInterface({ input: bare.stdout! }).once('line', resolve);
      bare.once('exit', (code) => reject(new Error(`bare fastify exited (${code})`)));
    });
    const bareUrl = `http://127.0.0.1:${port}/baseline/noop`;
    const noopUrl = `${api.base}/baseline/noop`;
    console.log(
      `shell bench: ${SECONDS} s per run, ${ROUNDS} alternating rounds, ${CONNECTIONS} connections, medians; both in their own process, LOG_LEVEL=warn for the API`,
    );
    await load(bareUrl, { connections: CONNECTIONS, seconds: 1, body });
    await load(noopUrl, { connections: CONNECTIONS, seconds: 1, body });
    const shell = await compareLoads(
      ROUNDS,
      () => load(noopUrl, { connections: CONNECTIONS, seconds: SECONDS, body }),
      () => load(bareUrl, { connections: CONNECTIONS, seconds: SECONDS, body }),
    );
    const ok = report("the HTTP shell: the app's no-op POST route / a bare Fastify POST route", [
      { name: 'no-op POST route', unit: 'req/s', ...shell.rate, baselineName: 'bare Fastify', target: 0.5 },
    ]);
    process.exitCode = ok ? 0 : 1;
  } finally {
    bare.kill('SIGTERM');
    await bareExited;
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
