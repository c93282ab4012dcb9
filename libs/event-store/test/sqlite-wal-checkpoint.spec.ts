import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src';
import { DEFAULT_WAL_AUTOCHECKPOINT_PAGES } from '../src/sqlite/sqlite-store-options';

/**
 * Issue 15, goal 4: SQLite checkpoints the WAL inside a commit once the log holds `walAutocheckpointPages` pages
 * (8,000 by default, not SQLite's 1,000), so a page written again and again is copied back into the database file
 * once per 8,000 pages of log, not once per 1,000. Counted on the files (no timings): the pages the database file
 * received, the frames the log holds.
 */

const PAGE = 4096;
const FRAME_BYTES = 24 + PAGE;
const WAL_HEADER_BYTES = 32;
const BIG = 'x'.repeat(6000); // an event of two pages or so: a commit of 10 writes ~20 frames

const framesInLog = (file: string) => (statSync(`${file}-wal`).size - WAL_HEADER_BYTES) / FRAME_BYTES;
const databasePages = (file: string) => statSync(file).size / PAGE;

/** Appends commits of 10 big events to `stream` until the log has grown by at least `frames` frames since open. */
async function appendFrames(store: SqliteEventStore, file: string, frames: number): Promise<number> {
  let revision = -1;
  let written = 0;
  let before = 0;
  while (written < frames) {
    const events = Array.from({ length: 10 }, (_, n) => ({ type: 'Big', data: { n, text: BIG } }));
    await store.append('s', events, revision < 0 ? 'no_stream' : revision);
    revision += 10;
    const now = framesInLog(file);
    // A checkpoint lets the next commit start the log over: the file keeps its size, so count growth, then writes.
    written += now > before ? now - before : 20;
    before = now;
  }
  return revision + 1;
}

describe('SqliteEventStore WAL checkpoints', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wal-checkpoint-'));
    file = join(dir, 'events.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies nothing into the database file before the log holds 8,000 pages (SQLite would at 1,000)', async () => {
    expect(DEFAULT_WAL_AUTOCHECKPOINT_PAGES).toBe(8000);
    const store = new SqliteEventStore({ file });
    try {
      await store.append('first', [{ type: 'Small', data: {} }], 'no_stream');
      const pagesAtStart = databasePages(file);
      const events = await appendFrames(store, file, 2500);
      expect(framesInLog(file)).toBeGreaterThanOrEqual(2500); // one log, never started over
      expect(databasePages(file)).toBe(pagesAtStart); // no page was checkpointed into the file
      expect((await store.readAll()).length).toBe(events + 1);
    } finally {
      await store.close();
    }
  });

  it('still checkpoints at the bound it is given, and keeps every event', async () => {
    const store = new SqliteEventStore({ file, walAutocheckpointPages: 200 });
    try {
      await store.append('first', [{ type: 'Small', data: {} }], 'no_stream');
      const pagesAtStart = databasePages(file);
      const events = await appendFrames(store, file, 1000);
      // Started over after each checkpoint: the log never held much more than the bound and one commit.
      expect(framesInLog(file)).toBeLessThan(200 + 40);
      expect(databasePages(file)).toBeGreaterThan(pagesAtStart + 500);
      expect((await store.readAll()).length).toBe(events + 1);
    } finally {
      await store.close();
    }
  });

  it('refuses a bound that is not a positive integer, before it opens the file', () => {
    for (const pages of [0, -1, 1.5, Number.NaN]) {
      expect(() => new SqliteEventStore({ file, walAutocheckpointPages: pages })).toThrow(RangeError);
    }
    expect(() => statSync(file)).toThrow();
  });
});
