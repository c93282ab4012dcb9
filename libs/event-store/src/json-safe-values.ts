/**
 * Objects and arrays their maker vouches for: deeply frozen, and equal, with the same keys in the same order, to
 * what `JSON.parse(JSON.stringify(value))` answers (plain objects and arrays of strings, booleans, null, finite
 * numbers other than -0, and such values). The SQLite store's committed tail hands a vouched value out as it is,
 * without the walk that would prove it (a batch of 1,000 usage records: 1,000 objects walked and frozen again, on
 * the main thread, for every commit; issue 15, goal 4). Only a maker that built and froze the value itself, after
 * checking each member, may vouch for it: a vouched value that is not so would be handed out unlike what the store
 * reads back.
 */
const vouched = new WeakSet();

export function vouchJsonSafe(value: object): void {
  vouched.add(value);
}

export function isVouchedJsonSafe(value: object): boolean {
  return vouched.has(value);
}
