/**
 * Document ids built from parts (`tenant|owner|module|user`), one string object per distinct id.
 *
 * Why: a projection looks its documents up in Maps by id, and an id built afresh for each event is a new string
 * that V8 must hash in full (and compare in full on a hit) at every lookup — for a 70-character holding id that
 * was most of the cost of the lookup, and the lookups were the largest part of a rebuild after reading the log.
 * Handing out the same string object for the same parts makes each lookup find a hash already computed and a key
 * equal by reference. The parts themselves are short, and each event's parts are decoded once for every projection
 * (see `decodedOnce`), so each is hashed once per event.
 *
 * Bounded: past `capacity` ids the table starts over (the ids stay correct, only the sharing restarts), so a
 * long-running engine that meets ever new users keeps a fixed amount of memory for it.
 */
export class DocumentKeys {
  private two = new Map<string, Map<string, string>>();
  private three = new Map<string, Map<string, Map<string, string>>>();
  private four = new Map<string, Map<string, Map<string, Map<string, string>>>>();
  private size = 0;

  constructor(private readonly capacity = 100_000) {}

  /** `a|b`, `a|b|c` or `a|b|c|d`: the same object for the same parts while the table lasts. */
  key(a: string, b: string, c?: string, d?: string): string {
    const ids =
      c === undefined
        ? level(this.two, a)
        : d === undefined
          ? level(level(this.three, a), b)
          : level(level(level(this.four, a), b), c);
    const last = c === undefined ? b : d === undefined ? c : d;
    const known = ids.get(last);
    if (known !== undefined) return known;
    if (this.size >= this.capacity) this.clear();
    const id = c === undefined ? `${a}|${b}` : d === undefined ? `${a}|${b}|${c}` : `${a}|${b}|${c}|${d}`;
    ids.set(last, id);
    this.size++;
    return id;
  }

  /** How many ids the table holds now. */
  get held(): number {
    return this.size;
  }

  private clear(): void {
    // Fresh tables rather than clear(): a leaf map taken before the reset stays valid for that one call.
    this.two = new Map();
    this.three = new Map();
    this.four = new Map();
    this.size = 0;
  }
}

function level<V>(map: Map<string, Map<string, V>>, part: string): Map<string, V> {
  let next = map.get(part);
  if (next === undefined) {
    next = new Map<string, V>();
    map.set(part, next);
  }
  return next;
}
