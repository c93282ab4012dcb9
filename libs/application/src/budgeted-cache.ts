/**
 * A least-recently-used map bounded by a memory budget instead of a number of entries: each entry carries an
 * estimate of its bytes, and whenever the total is above the budget the least recently used entries go. A stream
 * with a million usage ids weighs what it holds, so a thousand busy tenant-months cannot exhaust memory.
 * An entry larger than the whole budget is kept only until the next one is stored.
 */
export class BudgetedCache<Value> {
  private readonly entries = new Map<string, { value: Value; bytes: number }>();
  private total = 0;

  constructor(private readonly budgetBytes: number) {
    if (!(budgetBytes > 0)) throw new Error(`a cache budget must be above 0 bytes, not ${budgetBytes}`);
  }

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The value, now the most recently used. */
  get(key: string): Value | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores (or re-weighs) a value as the most recently used, then evicts the least recently used over budget. */
  set(key: string, value: Value, bytes: number): void {
    this.delete(key);
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.budgetBytes || oldest === key) break;
      this.entries.delete(oldest);
      this.total -= entry.bytes;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.bytes;
  }
}
