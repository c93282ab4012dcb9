import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { testKeyEnv } from './test-credentials';

export interface RunningProjector {
  child: ChildProcess;
  /** The projector's own /health endpoint. */
  healthUrl: string;
  logs: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts apps/projector/src/main.ts as its own process (ts-node, no build step); resolves once it projects. */
export async function spawnProjector(env: NodeJS.ProcessEnv, withinMs = 30_000): Promise<RunningProjector> {
  const { running } = startProjector(env, withinMs);
  return running;
}

/** Starts the projector; `exited` settles however it ends, `running` once it says it runs (or rejects if it never does). */
export function startProjector(
  env: NodeJS.ProcessEnv,
  withinMs = 30_000,
): { running: Promise<RunningProjector>; exited: RunningProjector['exited']; logs: string[] } {
  const root = join(__dirname, '..', '..');
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(root, 'apps', 'projector', 'src', 'main.ts'),
    ],
    {
      cwd: root,
      env: { ...process.env, ...testKeyEnv(), LICENSING_PROJECTOR_HEALTH_PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const running = new Promise<RunningProjector>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`projector did not start within ${withinMs} ms:\n${logs.join('\n')}`)),
      withinMs,
    );
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        logs.push(line);
        const health = /health on (http:\/\/\S+\/health)/.exec(line);
        if (health) {
          clearTimeout(timer);
          resolve({ child, healthUrl: health[1], logs, exited });
        }
      });
    }
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`projector exited before running:\n${logs.join('\n')}`));
    });
  });
  running.catch(() => undefined);
  return { running, exited, logs };
}
