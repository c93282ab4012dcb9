/**
 * The built API as a child process for the HTTP benchmarks, and autocannon runs against it. The API is started
 * with one hashed API key (a `service` key for every tenant, as the product services and user administration
 * have), and every request carries it as its bearer credential (the do-nothing route is public, but is sent the
 * same header, so both sides of a comparison carry the same bytes).
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createApiKey } from '@app/access';
import { freePort } from '../../test/support/spawn-api';

const KEY = createApiKey('bench', 'service', '*');
export const AUTH_HEADERS = { authorization: `Bearer ${KEY.secret}` };

export interface BenchApi {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts dist/apps/api/src/main.js on a free port with the given data directory; `extraArgs` go to node (--cpu-prof). */
export async function startBuiltApi(
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
  extraArgs: string[] = [],
): Promise<BenchApi> {
  const port = await freePort();
  const child = spawn(process.execPath, [...extraArgs, join(__dirname, '..', '..', 'apps', 'api', 'src', 'main.js')], {
    cwd: join(__dirname, '..', '..', '..'),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LICENSING_DATA_DIR: dataDir,
      LICENSING_BASELINE_ROUTE: 'true',
      LOG_LEVEL: 'warn',
      LICENSING_SQLITE_SYNCHRONOUS: 'FULL',
      LICENSING_API_KEYS: KEY.entry,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await healthy(base);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, child, stop };
}

export interface LoadResult {
  requests: number;
  /** Requests per second over the run. */
  rate: number;
  p99: number;
}

/** One autocannon run of POSTs; any non-2xx answer, error or timeout fails the bench. */
export async function load(
  url: string,
  options: { connections: number; seconds?: number; amount?: number; body: () => string; path?: () => string },
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    // A first request may fold a big stream: give it time.
    timeout: 120,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 4 }),
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AUTH_HEADERS },
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          body: options.body(),
          ...(options.path ? { path: options.path() } : {}),
        }),
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const seconds = result.duration;
  return { requests: result.requests.total, rate: result.requests.total / seconds, p99: result.latency.p99 };
}

export async function healthy(base: string, withinMs = 60_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet: the loop asks again until the deadline
    }
    if (Date.now() > deadline) throw new Error(`the API did not answer /health within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** RSS of a process in bytes, from /proc (Linux), or null elsewhere. */
export function rssOf(pid: number): number | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const status: string = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Waits until the API's read models have reached `position` (the seeded history projected), so a run measures commands only. */
export async function readModelsAt(
  base: string,
  query: string,
  position: bigint | null,
  withinMs = 600_000,
): Promise<void> {
  if (position === null) return;
  const deadline = Date.now() + withinMs;
  for (;;) {
    const answer = await fetch(`${base}${query}?minPosition=${position}`, { headers: AUTH_HEADERS });
    await answer.arrayBuffer();
    if (answer.ok) return;
    if (answer.status !== 503 || Date.now() > deadline)
      throw new Error(`read models did not reach ${position}: ${answer.status}`);
  }
}
