/**
 * A set of string ids held as 64-bit fingerprints in one open-addressing table (two 32-bit words per slot, linear
 * probing), instead of a JavaScript Set of strings: about 8-16 bytes an id instead of roughly 100, and a table that
 * is one typed array, so a snapshot stores it as it is and loads it without rebuilding.
 *
 * Membership is by fingerprint. Two different ids share one with a chance of about n / 2^64 per lookup (5e-14 for a
 * month of a million ids), and then the second is taken for a repeat: it is not counted, never counted twice.
 */
export class CompactIdSet {
  private table: Uint32Array;
  private count: number;

  private constructor(table: Uint32Array, count: number) {
    this.table = table;
    this.count = count;
  }

  static empty(capacity = 1024): CompactIdSet {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    return new CompactIdSet(new Uint32Array(slots * 2), 0);
  }

  /** A set over a table from `bytes()`, used as it is (copied only when misaligned). */
  static fromBytes(bytes: Uint8Array, count: number): CompactIdSet {
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    const table = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
    if (table.length < 32 || (table.length & (table.length - 1)) !== 0) throw new Error('not a compact id set table');
    return new CompactIdSet(table, count);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes of the table: what the set costs in memory and in a snapshot. */
  get byteLength(): number {
    return this.table.byteLength;
  }

  /** The table itself (not a copy): a snapshot must write it before the set changes again. */
  bytes(): Uint8Array {
    return new Uint8Array(this.table.buffer, this.table.byteOffset, this.table.byteLength);
  }

  has(id: string): boolean {
    fingerprint(id);
    return this.slotOf(FP[0], FP[1]) >= 0;
  }

  add(id: string): this {
    this.addIfAbsent(id);
    return this;
  }

  /**
   * Adds the id; false if it was in the set already. One fingerprint, and one walk of the probe sequence that both
   * looks for it and ends at the empty slot it takes: in a month's table of millions, each walk is a cache miss.
   */
  addIfAbsent(id: string): boolean {
    fingerprint(id);
    return this.addFingerprint(FP[0], FP[1]);
  }

  /**
   * For each id of `fingerprints` (from `fingerprintsOf`), 1 if the set holds it, else 0. The table's slots of all
   * the ids are touched first, in a loop without a branch on what they hold, so that the processor fetches their
   * cache lines side by side: a batch of 1,000 ids probing a month's table of millions (tens of MB) waited for one
   * line after another, each a miss (375 µs of a batch's ~7 ms main thread). The probes then find them in cache.
   */
  hasEach(fingerprints: Uint32Array): Uint8Array {
    const count = fingerprints.length / 2;
    const found = new Uint8Array(count);
    this.touch(fingerprints);
    const table = this.table;
    const mask = table.length / 2 - 1;
    for (let index = 0; index < count; index++) {
      const high = fingerprints[index * 2];
      const low = fingerprints[index * 2 + 1];
      for (let slot = low & mask; ; slot = (slot + 1) & mask) {
        const h = table[slot * 2];
        const l = table[slot * 2 + 1];
        if (h === high && l === low) {
          found[index] = 1;
          break;
        }
        if (h === 0 && l === 0) break;
      }
    }
    return found;
  }

  /** `addIfAbsent` of the id at `index` of `fingerprints` (from `fingerprintsOf`), without hashing it again. */
  addFingerprintAt(fingerprints: Uint32Array, index: number): boolean {
    return this.addFingerprint(fingerprints[index * 2], fingerprints[index * 2 + 1]);
  }

  /** Adds every id of `fingerprints` (from `fingerprintsOf`), its slots touched first as in `hasEach`. */
  addEach(fingerprints: Uint32Array): void {
    this.touch(fingerprints);
    for (let index = 0; index < fingerprints.length; index += 2)
      this.addFingerprint(fingerprints[index], fingerprints[index + 1]);
  }

  /** Reads the first slot of each fingerprint's probe sequence (see `hasEach`); what it reads is kept, unused. */
  private touch(fingerprints: Uint32Array): void {
    const table = this.table;
    const mask = table.length / 2 - 1;
    let sum = 0;
    for (let index = 1; index < fingerprints.length; index += 2) sum ^= table[(fingerprints[index] & mask) * 2];
    touched.sum ^= sum; // kept, so the compiler cannot drop the reads
  }

  private addFingerprint(high: number, low: number): boolean {
    // Grow at 70 % load, so probes stay short (only for an id not in the set: a repeat never grows it).
    if ((this.count + 1) * 10 > (this.table.length / 2) * 7) {
      if (this.slotOf(high, low) >= 0) return false;
      this.grow();
    }
    const table = this.table;
    const mask = table.length / 2 - 1;
    for (let slot = low & mask; ; slot = (slot + 1) & mask) {
      const h = table[slot * 2];
      const l = table[slot * 2 + 1];
      if (h === high && l === low) return false;
      if (h === 0 && l === 0) {
        table[slot * 2] = high;
        table[slot * 2 + 1] = low;
        this.count++;
        return true;
      }
    }
  }

  /** The slot holding the fingerprint, or -1. */
  private slotOf(high: number, low: number): number {
    const mask = this.table.length / 2 - 1;
    for (let slot = low & mask; ; slot = (slot + 1) & mask) {
      const h = this.table[slot * 2];
      const l = this.table[slot * 2 + 1];
      if (h === 0 && l === 0) return -1;
      if (h === high && l === low) return slot;
    }
  }

  private insert(high: number, low: number): void {
    const mask = this.table.length / 2 - 1;
    let slot = low & mask;
    while (this.table[slot * 2] !== 0 || this.table[slot * 2 + 1] !== 0) slot = (slot + 1) & mask;
    this.table[slot * 2] = high;
    this.table[slot * 2 + 1] = low;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.insert(old[i], old[i + 1]);
  }
}

/** The last fingerprint computed (two 32-bit halves), kept in one array so hashing allocates nothing. */
const FP = new Uint32Array(2);
/** Where `touch` leaves what it read: nothing reads it. */
const touched = { sum: 0 };

/** Counts fingerprints computed: for tests that a batch's ids are hashed once between decide and evolve. */
export const compactIdSetCounters = { fingerprints: 0 };

/**
 * The fingerprints of `count` ids (`idAt(index)`), two words each, as `hasEach`, `addEach` and `addFingerprintAt`
 * of any CompactIdSet take them: computed once, asked of several sets, or of one set before and after it changed.
 */
export function fingerprintsOf(count: number, idAt: (index: number) => string): Uint32Array {
  const fingerprints = new Uint32Array(count * 2);
  for (let index = 0; index < count; index++) {
    fingerprint(idAt(index));
    fingerprints[index * 2] = FP[0];
    fingerprints[index * 2 + 1] = FP[1];
  }
  return fingerprints;
}

/** cyrb53's two 32-bit lanes (public domain), both kept: 64 bits of a string's UTF-16 code units. (0, 0) means empty. */
function fingerprint(id: string): void {
  compactIdSetCounters.fingerprints++;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < id.length; i++) {
    const ch = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  FP[0] = h1;
  FP[1] = h2;
  if (FP[0] === 0 && FP[1] === 0) FP[1] = 1;
}
