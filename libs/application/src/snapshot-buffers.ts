/**
 * Buffers to encode snapshots' states into, reused once the save that wrote one has settled. A month's state is
 * its usage-id table, megabytes that grow with the month, and it is encoded again every time enough events were
 * folded since: a fresh buffer each time means touching new memory, which on the machines we measured costs about
 * 5 ms a megabyte (a 4 MB table: 23 ms into fresh memory, 0.5 ms into a buffer used before) and was 6 % of the CPU
 * of a month ingesting batches. Bounded: buffers beyond `maxBytes` are left to the garbage collector.
 */
export class SnapshotBuffers {
  private readonly free: Uint8Array[] = [];
  /** The memory this pool made: only that comes back (a codec's own bytes may share a slab, e.g. Node's Buffer pool). */
  private readonly mine = new WeakSet<ArrayBufferLike>();
  private freeBytes = 0;
  private made = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** How many buffers were allocated rather than reused. */
  get allocated(): number {
    return this.made;
  }

  /** A buffer of exactly `byteLength` bytes (holding anything), the smallest free one that fits, or a new one. */
  take(byteLength: number): Uint8Array {
    let best = -1;
    this.free.forEach((buffer, index) => {
      if (buffer.byteLength >= byteLength && (best < 0 || buffer.byteLength < this.free[best].byteLength)) best = index;
    });
    if (best >= 0) {
      const [buffer] = this.free.splice(best, 1);
      this.freeBytes -= buffer.byteLength;
      return buffer.subarray(0, byteLength);
    }
    this.made++;
    // A quarter more than asked: the state grows between snapshots, and the next ones then fit too.
    const made = new Uint8Array(Math.ceil(byteLength * 1.25));
    this.mine.add(made.buffer);
    return made.subarray(0, byteLength);
  }

  /** Gives back a buffer from `take` once nothing reads it any more; any other bytes are left alone. */
  give(bytes: Uint8Array): void {
    if (!this.mine.has(bytes.buffer)) return;
    const whole = new Uint8Array(bytes.buffer, 0, bytes.buffer.byteLength);
    if (whole.byteLength > this.maxBytes || this.free.some((buffer) => buffer.buffer === whole.buffer)) return;
    // Room is made by dropping the smallest: the big ones are those worth keeping.
    this.free.sort((a, b) => a.byteLength - b.byteLength);
    while (this.free.length > 0 && this.freeBytes + whole.byteLength > this.maxBytes)
      this.freeBytes -= this.free.shift()?.byteLength ?? 0;
    this.free.push(whole);
    this.freeBytes += whole.byteLength;
  }
}
