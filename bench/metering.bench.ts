/**
 * Metered usage over HTTP, durable (synchronous=FULL), against the built API in its own process:
 * - single records, 50 connections, beside the do-nothing route of the same app (POST /baseline/noop);
 * - batches of 1,000 records, beside the same do-nothing route fed the same bodies.
 * Alternating rounds; medians. Every usage id is new, so every record is counted.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '@app/access';
import { buildSignedPackage } from '@app/signing';
import { packageDescription } from '../test/support/signed-packages';
import { freePort } from '../test/support/spawn-api';
import { compare, report } from './bench-harness';

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const BATCH = 1000;
const BATCH_CONNECTIONS = 4;
const TENANT = 'Cust12345';
/** A service key, as a metering caller has; the do-nothing route is public but is sent the same header. */
const KEY = createApiKey('bench', 'service', TENANT);
/** Activating the tenant's package takes an administrator (DESIGN.md §6). */
const ADMIN_KEY = createApiKey('bench-admin', 'admin', TENANT);

let next = 0;
const record = () => ({ usageId: `bench-${process.pid}-${next++}`, service: 'chat-sessions', quantity: 1, occurredAt: new Date().toISOString() });
const singleBody = () => JSON.stringify(record());
const batchBody = () => JSON.stringify({ records: Array.from({ length: BATCH }, record) });

/** Metering is for tenants that exist: the tenant gets a package signed with the development owner key first. */
async function activateDevelopmentPackage(base: string): Promise<void> {
  const root = join(__dirname, '..', '..');
  const pem = (name: string) => readFileSync(join(root, 'config', name), 'utf8');
  const signed = buildSignedPackage(packageDescription(TENANT), pem('dev-owner-superoffice.pem'), pem('dev-owner-superoffice.key.pem'));
  const answer = await fetch(`${base}/v1/tenants/${TENANT}/license-packages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY.secret}` },
    body: JSON.stringify(signed),
  });
  if (answer.status !== 201) throw new Error(`activating the bench tenant's package answered ${answer.status}: ${await answer.text()}`);
}

async function load(url: string, connections: number, body: () => string): Promise<number> {
  const result = await autocannon({
    url,
    connections,
    duration: SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY.secret}` },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result.requests.total;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-metering-'));
  const port = await freePort();
  const api = spawn(process.execPath, [join(__dirname, '..', 'apps', 'api', 'src', 'main.js')], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LICENSING_DATA_DIR: dataDir, LICENSING_BASELINE_ROUTE: 'true', LICENSING_API_KEYS: `${KEY.entry},${ADMIN_KEY.entry}`, LOG_LEVEL: 'warn', LICENSING_SQLITE_SYNCHRONOUS: 'FULL' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await healthy(base);
    await activateDevelopmentPackage(base);
    const noop = `${base}/baseline/noop`;
    const usage = `${base}/v1/tenants/${TENANT}/metered-usage`;
    console.log(`metering bench: ${SECONDS} s per run, ${ROUNDS} alternating rounds, medians; API in its own process, synchronous=FULL, LOG_LEVEL=warn`);
    // One short run of each first, so that neither side pays for the JIT and the first file growth.
    await load(noop, CONNECTIONS, singleBody);
    await load(usage, CONNECTIONS, singleBody);
    const single = await compare(
      ROUNDS,
      () => load(usage, CONNECTIONS, singleBody),
      () => load(noop, CONNECTIONS, singleBody),
    );
    const batch = await compare(
      ROUNDS,
      async () => (await load(usage, BATCH_CONNECTIONS, batchBody)) * BATCH,
      async () => (await load(noop, BATCH_CONNECTIONS, batchBody)) * BATCH,
    );
    const ok = report('metering over HTTP', [
      { name: `single record, ${CONNECTIONS} connections`, unit: 'req/s', ...single, baselineName: 'no-op route', target: 0.25 },
      { name: `batches of ${BATCH}, ${BATCH_CONNECTIONS} connections`, unit: 'records/s', ...batch, baselineName: 'no-op route, same bodies' },
    ]);
    const batchOk = batch.subject >= 50_000;
    console.log(`batch ingestion: ${Math.round(batch.subject).toLocaleString('en-US')} records/s — ${batchOk ? 'ok' : 'BELOW'} (target ≥ 50,000 records/s)`);
    process.exitCode = ok && batchOk ? 0 : 1;
  } finally {
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function healthy(base: string, withinMs = 30_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the API did not answer /health within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

void main();
