import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore } from '../src';

interface Ack {
  writer: string;
  n: number;
  id: string;
  position: bigint;
}

/** Runs the appending child until it has acknowledged `acks` appends, then kills it with SIGKILL. */
async function appendThenKill(file: string, synchronous: string, acks: number): Promise<Ack[]> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(__dirname, 'support', 'append-until-killed.ts'),
      file,
      synchronous,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const seen: Ack[] = [];
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'ready') continue;
    const [writer, n, id, position] = line.split(' ');
    seen.push({ writer, n: Number(n), id, position: BigInt(position) });
    if (seen.length === acks) child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  return seen;
}

describe('SQLite event store durability', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'es-kill-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['FULL', 'NORMAL'])(
    'every append acknowledged before SIGKILL is found after reopening (synchronous=%s)',
    async (synchronous) => {
      const file = join(dir, 'events.db');
      const acks = await appendThenKill(file, synchronous, 1500);
      expect(acks.length).toBeGreaterThanOrEqual(1500);

      const store = new SqliteEventStore({ file });
      try {
        const all = await store.readAll({ filter: { streamPrefix: 'durable-' } });
        const byId = new Map(all.map((e) => [e.id, e]));
        const missing = acks.filter((ack) => byId.get(ack.id)?.position !== ack.position);
        expect(missing).toEqual([]);
        // Each writer's stream is gap-free up to (and perhaps beyond) its last acknowledged append.
        for (const writer of ['w0', 'w1', 'w2', 'w3']) {
          const read = await store.readStream(`durable-${writer}`);
          const ns = read.status === 'found' ? read.events.map((e) => e.data.n) : [];
          expect(ns).toEqual(ns.map((_, i) => i));
          const lastAcked = Math.max(-1, ...acks.filter((a) => a.writer === writer).map((a) => a.n));
          expect(ns.length).toBeGreaterThan(lastAcked);
        }
      } finally {
        await store.close();
      }
    },
  );
});
