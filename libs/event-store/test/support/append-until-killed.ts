/**
 * Child process of the durability test: appends forever from several concurrent writers and prints one line per
 * acknowledged append. The parent kills it with SIGKILL at a moment of its choosing.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/sqlite/sqlite-event-store';

const [file, synchronous] = process.argv.slice(2);
const store = new SqliteEventStore({ file, synchronous: synchronous as 'FULL' | 'NORMAL' });

async function writer(name: string): Promise<never> {
  for (let n = 0; ; n++) {
    const id = randomUUID();
    const result = await store.append(
      `durable-${name}`,
      [{ id, type: 'Counted', data: { n } }],
      n === 0 ? 'no_stream' : n - 1,
    );
    // Pipes are written synchronously on Linux: once this returns, the parent can read the line.
    process.stdout.write(`${name} ${n} ${id} ${result.position}\n`);
  }
}

process.stdout.write('ready\n');
void Promise.all(['w0', 'w1', 'w2', 'w3'].map(writer));
