import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { testKeyEnv } from './test-credentials';

export interface RunningApi {
  child: ChildProcess;
  baseUrl: string;
  /** Every log line the process has printed so far (pino JSON). */
  logs: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts apps/api/src/main.ts as its own process (ts-node, no build step) and resolves once it listens. */
export async function spawnApi(env: NodeJS.ProcessEnv, withinMs = 30_000): Promise<RunningApi> {
  const started = await startApi(env, withinMs);
  await started.listening;
  return started;
}

/**
 * Starts the API process and answers at once; `listening` settles when it listens (or fails to start). The test keys
 * are configured unless `env` says otherwise (`NO_CREDENTIALS`).
 */
export async function startApi(
  env: NodeJS.ProcessEnv,
  withinMs = 30_000,
): Promise<RunningApi & { listening: Promise<void> }> {
  const port = await freePort();
  const root = join(__dirname, '..', '..');
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(root, 'apps', 'api', 'src', 'main.ts'),
    ],
    {
      cwd: root,
      env: { ...process.env, ...testKeyEnv(), ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`API did not start within ${withinMs} ms:\n${logs.join('\n')}`)),
      withinMs,
    );
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        logs.push(line);
        if (line.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`API exited before listening:\n${logs.join('\n')}`));
    });
  });
  listening.catch(() => undefined);
  return { child, baseUrl: `http://127.0.0.1:${port}`, logs, exited, listening };
}
