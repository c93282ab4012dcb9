import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SnapshotStore, StoredSnapshot } from './snapshot-store.port';

// Version 2 keeps `extra` out of the header (after the state), so reading a header stays small: version 1 files
// (a header of up to 8 MB of commands, parsed again before every save) are no snapshot now, folded anew once.
const MAGIC = 'licensing-snapshot/2\n';
const MAGIC_LENGTH = Buffer.byteLength(MAGIC);
/** Where the state may start: the widest element a codec views in place (a Float64Array or BigUint64Array). */
export const STATE_ALIGNMENT = 8;

interface Header {
  stream: string;
  revision: number;
  version: number;
  position: string | null;
  lastHash: string | null;
  stateLength: number;
}

/**
 * Snapshots of the embedded store: one file per stream in `snapshots/` beside `events.db`, named by a hash of the
 * stream name. A file rather than a SQLite row, because a month's snapshot is a 16 MB table, which SQLite reads and
 * writes page by page through an overflow chain (measured here: about 1 s to save, 0.1 to 0.5 s to load), while a
 * file is one read. Reads and writes go through libuv's thread pool, so the event loop never waits for them.
 * A file is written beside its place and renamed over it, so a reader sees the old snapshot or the new one, never
 * half of one. No fsync: a snapshot lost to a power cut costs a longer fold, nothing else.
 * Layout: the magic line, u32 header length (little endian), the header (JSON), the state's bytes, `extra` (UTF-8).
 * The header ends in spaces (JSON allows them) so that the state starts at a multiple of `STATE_ALIGNMENT` in the
 * file, and so in the buffer it is read into: a codec can then view its tables where they lie (a month's 16 MB id
 * table), where a misaligned one had to be copied into fresh memory first. Page faults make that copy slow here:
 * about 60-110 ms for 16 MB, half of the first record into a month after a restart. Files written before the
 * padding still load; their state is misaligned, which codecs handle by copying.
 */
export class FileSnapshotStore implements SnapshotStore {
  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  async load(stream: string): Promise<StoredSnapshot | null> {
    const bytes = await readWhole(this.fileOf(stream));
    if (bytes === null) return null;
    if (bytes.length < MAGIC_LENGTH + 4 || bytes.toString('utf8', 0, MAGIC_LENGTH) !== MAGIC) return null;
    const headerLength = bytes.readUInt32LE(MAGIC_LENGTH);
    const header = parseHeader(bytes.toString('utf8', MAGIC_LENGTH + 4, MAGIC_LENGTH + 4 + headerLength));
    // Another stream whose name hashes alike is not this one; no header: torn.
    if (header?.stream !== stream) return null;
    const stateAt = MAGIC_LENGTH + 4 + headerLength;
    if (bytes.length < stateAt + header.stateLength) return null; // torn: no snapshot
    return {
      stream,
      revision: header.revision,
      version: header.version,
      position: header.position === null ? null : BigInt(header.position),
      lastHash: header.lastHash,
      state: new Uint8Array(bytes.buffer, bytes.byteOffset + stateAt, header.stateLength),
      extra: [bytes.subarray(stateAt + header.stateLength)],
    };
  }

  async save(snapshot: StoredSnapshot): Promise<void> {
    const existing = await this.revisionOf(snapshot.stream);
    if (existing !== null && existing.revision >= snapshot.revision && existing.version === snapshot.version) return;
    const header: Header = {
      stream: snapshot.stream,
      revision: snapshot.revision,
      version: snapshot.version,
      position: snapshot.position === null ? null : snapshot.position.toString(),
      lastHash: snapshot.lastHash,
      stateLength: snapshot.state.byteLength,
    };
    const headerBytes = paddedHeader(JSON.stringify(header));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(headerBytes.length);
    const target = this.fileOf(snapshot.stream);
    const temporary = `${target}.${randomUUID()}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.writev([Buffer.from(MAGIC), length, headerBytes, snapshot.state, ...snapshot.extra]);
    } finally {
      await file.close();
    }
    try {
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  /** The revision and version of the stored snapshot, from its header only. */
  private async revisionOf(stream: string): Promise<{ revision: number; version: number } | null> {
    let file;
    try {
      file = await open(this.fileOf(stream), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const head = Buffer.alloc(MAGIC_LENGTH + 4);
      await file.read(head, 0, head.length, 0);
      if (head.toString('utf8', 0, MAGIC_LENGTH) !== MAGIC) return null;
      const headerBytes = Buffer.alloc(head.readUInt32LE(MAGIC_LENGTH));
      await file.read(headerBytes, 0, headerBytes.length, MAGIC_LENGTH + 4);
      const header = parseHeader(headerBytes.toString('utf8'));
      return header?.stream === stream ? { revision: header.revision, version: header.version } : null;
    } catch {
      // An unreadable or torn file is no snapshot: the new one replaces it.
      return null;
    } finally {
      await file.close();
    }
  }

  private fileOf(stream: string): string {
    return join(this.directory, `${createHash('sha256').update(stream).digest('hex').slice(0, 32)}.snapshot`);
  }
}

function parseHeader(text: string): Header | null {
  try {
    return JSON.parse(text) as Header;
  } catch {
    return null;
  }
}

/** The header's JSON followed by the spaces that make the state after it start at a multiple of STATE_ALIGNMENT. */
function paddedHeader(json: string): Buffer {
  const length = Buffer.byteLength(json);
  const unaligned = (MAGIC_LENGTH + 4 + length) % STATE_ALIGNMENT;
  const padding = unaligned === 0 ? 0 : STATE_ALIGNMENT - unaligned;
  const bytes = Buffer.alloc(length + padding, ' ');
  bytes.write(json, 0);
  return bytes;
}

/**
 * The whole file in one buffer of its own (offset 0 of its ArrayBuffer, so the file's alignment is the memory's),
 * read by one descriptor: a file renamed over the path meanwhile is not mixed in. null when there is no file.
 * One read of the whole size where `readFile` reads 512 kB per trip through the thread pool.
 */
async function readWhole(path: string): Promise<Buffer | null> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const { size } = await file.stat();
    const bytes = Buffer.allocUnsafeSlow(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await file.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) break; // shorter than it said: the checks above see a torn file
      filled += bytesRead;
    }
    return filled === size ? bytes : bytes.subarray(0, filled);
  } finally {
    await file.close();
  }
}
