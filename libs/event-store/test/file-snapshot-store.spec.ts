import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSnapshotStore, STATE_ALIGNMENT } from '../src/file-snapshot-store';
import type { StoredSnapshot } from '../src/snapshot-store.port';

const MAGIC = 'licensing-snapshot/2\n';

function snapshotOf(stream: string, revision: number, state: Uint8Array, extra = '{"x":1}'): StoredSnapshot {
  return { stream, revision, version: 3, position: 42n, lastHash: 'ab'.repeat(32), state, extra: [Buffer.from(extra)] };
}

describe('FileSnapshotStore', () => {
  let dir: string;
  let store: FileSnapshotStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'file-snapshots-'));
    store = new FileSnapshotStore(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const onlyFile = () => join(dir, readdirSync(dir)[0]);

  it('gives back what it saved: revision, version, position, last hash, state and extra', async () => {
    const state = Uint8Array.from([1, 2, 3, 4, 5]);
    await store.save(snapshotOf('s-1', 7, state, '[1,2]'));
    const loaded = await store.load('s-1');
    expect(loaded).toMatchObject({ stream: 's-1', revision: 7, version: 3, position: 42n, lastHash: 'ab'.repeat(32) });
    expect([...loaded!.state]).toEqual([1, 2, 3, 4, 5]);
    expect(Buffer.concat(loaded!.extra).toString()).toBe('[1,2]');
    expect(await store.load('s-2')).toBeNull();
  });

  // A codec views its tables in the loaded state where they lie (metering's id table): only an aligned state can be.
  it.each(Array.from({ length: 12 }, (_, i) => 'n'.repeat(i + 1)))(
    'starts the loaded state at a multiple of 8 in its buffer, whatever the header length (stream %s)',
    async (stream) => {
      await store.save(snapshotOf(stream, 123_456 + stream.length, new Uint8Array(64).fill(9)));
      const loaded = await store.load(stream);
      expect(loaded!.state.byteOffset % STATE_ALIGNMENT).toBe(0);
      expect([...loaded!.state]).toEqual(new Array(64).fill(9));
    },
  );

  it('still loads a file written before the header was padded (its state misaligned)', async () => {
    await store.save(snapshotOf('old', 1, Uint8Array.from([1])));
    const path = onlyFile();
    const header = JSON.stringify({
      stream: 'old',
      revision: 5,
      version: 3,
      position: '42',
      lastHash: null,
      stateLength: 3,
    });
    const length = Buffer.alloc(4);
    length.writeUInt32LE(Buffer.byteLength(header));
    writeFileSync(path, Buffer.concat([Buffer.from(MAGIC), length, Buffer.from(header), Buffer.from([7, 8, 9, 0x7b])]));
    const loaded = await store.load('old');
    expect(loaded).toMatchObject({ revision: 5, position: 42n, lastHash: null });
    expect(loaded!.state.byteOffset % STATE_ALIGNMENT).not.toBe(0);
    expect([...loaded!.state]).toEqual([7, 8, 9]);
    expect(Buffer.concat(loaded!.extra).toString()).toBe('{');
  });

  it('treats a torn file, a foreign magic line and another stream of the same file name as no snapshot', async () => {
    await store.save(snapshotOf('t', 1, new Uint8Array(100)));
    const path = onlyFile();
    const whole = readFileSync(path);
    for (const cut of [50, 110]) {
      writeFileSync(path, whole.subarray(0, whole.length - cut)); // in the state, then in the header
      expect(await store.load('t')).toBeNull();
    }
    writeFileSync(path, Buffer.concat([Buffer.from('something-else/1\n'), whole.subarray(MAGIC.length)]));
    expect(await store.load('t')).toBeNull();
    writeFileSync(path, whole);
    expect(await store.load('t')).not.toBeNull();
  });

  it('keeps a newer snapshot of the same version over an older one', async () => {
    await store.save(snapshotOf('k', 9, Uint8Array.from([9])));
    await store.save(snapshotOf('k', 4, Uint8Array.from([4])));
    expect((await store.load('k'))!.revision).toBe(9);
    await store.save(snapshotOf('k', 10, Uint8Array.from([10])));
    expect([...(await store.load('k'))!.state]).toEqual([10]);
  });
});
