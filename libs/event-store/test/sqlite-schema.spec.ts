import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src';
import { createLegacyFile } from './support/legacy-schema';

/**
 * Issue 15, goal 4: the events table's position is a plain integer primary key (no AUTOINCREMENT), so a commit no
 * longer rewrites `sqlite_sequence` (one WAL frame per commit less). Positions stay what they were: strictly
 * increasing, dense within a commit, never handed out twice (events are never deleted); a file of the old schema
 * keeps it and behaves exactly as a new one.
 */

const FRAME_BYTES = 24 + 4096; // a WAL frame: its header and one page (the default page size)
const WAL_HEADER_BYTES = 32;

const event = (n: number) => ({ type: 'Counted', data: { n } });

function walFrames(file: string): number {
  return (statSync(`${file}-wal`).size - WAL_HEADER_BYTES) / FRAME_BYTES;
}

function schemaOf(file: string): { events: string; tables: string[]; sequence: number | undefined } {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck();
    const events = db.prepare<[], string>("SELECT sql FROM sqlite_master WHERE name = 'events'").pluck().get() ?? '';
    const names = tables.all();
    const sequence = names.includes('sqlite_sequence')
      ? db.prepare<[], number>("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck().get()
      : undefined;
    return { events, tables: names, sequence };
  } finally {
    db.close();
  }
}

/** The same appends on any file: single appends, a group commit with refusals, a reopen, more appends. */
async function scenario(file: string): Promise<{ frames: number[]; positions: bigint[]; rows: string[] }> {
  let store = new SqliteEventStore({ file });
  const frames: number[] = [];
  const positions: bigint[] = [];
  try {
    await store.append('s', [event(0), event(1)], 'no_stream');
    for (let n = 2; n < 8; n++) {
      const before = walFrames(file);
      positions.push((await store.append('s', [event(n)], n - 1)).position);
      frames.push(walFrames(file) - before);
    }
    const taken = { id: '5b7c2d9e-1f3a-4e6b-8c0d-2a4f6e8b0c13', ...event(100) };
    await store.append('t', [taken], 'no_stream');
    // One commit: an append, one refused after its first insert (a savepoint rolled back), one refused at its head.
    const outcomes = await Promise.allSettled([
      store.append('a', [event(1)], 'no_stream'),
      store.append('t', [event(101), taken], 0),
      store.append('s', [event(9)], 3),
      store.append('b', [event(2)], 'no_stream'),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    await store.close();
    store = new SqliteEventStore({ file });
    positions.push((await store.append('c', [event(3), event(4)], 'no_stream')).position);
    const rows = (await store.readAll()).map(
      (recorded) => `${recorded.position}:${recorded.stream}@${recorded.revision}`,
    );
    return { frames, positions, rows };
  } finally {
    await store.close();
  }
}

describe('SqliteEventStore schema: positions without AUTOINCREMENT', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sqlite-schema-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes new files without AUTOINCREMENT, so without sqlite_sequence', async () => {
    const file = join(dir, 'events.db');
    const store = new SqliteEventStore({ file });
    await store.append('s', [event(0)], 'no_stream');
    await store.close();
    const schema = schemaOf(file);
    expect(schema.events).toMatch(/position\s+INTEGER PRIMARY KEY,/);
    expect(schema.events).not.toMatch(/AUTOINCREMENT/);
    expect(schema.tables).not.toContain('sqlite_sequence');
  });

  it('hands out the same positions as a file of the old schema, which keeps its schema and its counter', async () => {
    const fresh = join(dir, 'new.db');
    const legacy = join(dir, 'legacy.db');
    createLegacyFile(legacy);
    const onNew = await scenario(fresh);
    const onLegacy = await scenario(legacy);
    expect(onNew.rows).toEqual(onLegacy.rows);
    expect(onNew.positions).toEqual(onLegacy.positions);
    // Dense and strictly increasing: the refused appends' positions went back, and were not skipped.
    expect(onNew.rows.map((row) => Number(row.split(':')[0]))).toEqual(onNew.rows.map((_, index) => index + 1));
    const legacySchema = schemaOf(legacy);
    expect(legacySchema.events).toMatch(/AUTOINCREMENT/);
    expect(legacySchema.sequence).toBe(onLegacy.rows.length);
  });

  it('writes one WAL frame fewer per commit than the old schema (its sqlite_sequence page)', async () => {
    const fresh = join(dir, 'new.db');
    const legacy = join(dir, 'legacy.db');
    createLegacyFile(legacy);
    const onNew = await scenario(fresh);
    const onLegacy = await scenario(legacy);
    expect(onNew.frames.length).toBeGreaterThan(0);
    expect(onNew.frames).toEqual(onLegacy.frames.map((frames) => frames - 1));
  });

  it('never deletes an event: no statement of the store deletes from the events table', () => {
    // What makes a plain rowid safe as the position: the largest one is never deleted, so never handed out again.
    const sources = (folder: string): string[] =>
      readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? sources(join(folder, entry.name)) : [join(folder, entry.name)],
      );
    const files = sources(join(__dirname, '..', 'src')).filter((path) => path.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const deleting = files.filter((path) =>
      /DELETE\s+FROM\s+["`]?events\b|DROP\s+TABLE/i.test(readFileSync(path, 'utf8')),
    );
    expect(deleting).toEqual([]);
  });
});
