import { createHash, hash as digest } from 'node:crypto';
import { GroupJson, usageRecordsCheck, UsageRecord } from '@app/domain';
import { canonicalJsonCounters, writeRecordGroup } from './record-group-text';

/**
 * RFC 8785 (JCS) canonical JSON for the hashes the runner computes: a command's hash (`commandHash`) and an event's
 * hash in its stream's chain (`eventHash`). Both are stored and checked forever, so the text must be byte for byte
 * what `canonicalize` makes (the property test in canonical-json.spec.ts holds it to that): keys sorted by UTF-16
 * code units, numbers as ECMAScript writes them, strings escaped as JSON.stringify does. Strict: a value JSON cannot
 * express (NaN, Infinity, a bigint, a function, a symbol, a cycle) throws, as canonicalize throws for non-finite
 * numbers, instead of being dropped; undefined members are left out and undefined array items written as null.
 *
 * Written here rather than taken from safe-stable-stringify (which it replaced, same text) for one thing a library
 * cannot know: a batch of 1,000 usage records is hashed twice per request, in its command and in the event that
 * records it, the same frozen group of records both times (`usageRecordsCheck`: built, checked and frozen by
 * `sortUsageRecords`, and passed on as it is when nothing was a duplicate). Such a group cannot change, so its text
 * is made once and kept on it (`keepGroupJson`) for the second hash.
 */
export function canonicalJson(value: unknown): string {
  const out = canonicalParts(value, undefined);
  return out.kept.length === 0 ? out.text : out.kept.join('') + out.text;
}

/** Kept texts of at least this many characters in all are hashed piece by piece (see canonicalSha256). */
const PIECEWISE_FROM = 16 * 1024;

/**
 * The SHA-256 (hex) of `canonicalJson(value)`'s UTF-8 bytes, hashed piece by piece: a checked group's text (110 kB
 * for 1,000 records) is handed to the hash as it is, never concatenated into one string with the rest. A string
 * made by concatenation is a rope, which the hash must first copy flat (measured: 200 kB of garbage per batch of
 * 1,000, two such texts, the command's and the event's). The same bytes, so the same hash (the spec compares it).
 * `omit`: the hash of a copy of `value` (a plain object) without that member, made without the copy (`commandHash`).
 */
export function canonicalSha256(value: unknown, omit?: string): string {
  const out = canonicalParts(value, omit);
  let keptLength = 0;
  for (const piece of out.kept) keptLength += piece.length;
  // Small texts (a single usage record's command and event) one-shot, as one string (Node >= 20.12): a Hash object
  // costs more than copying a few hundred characters, and a turn hashes every event and every command.
  if (keptLength < PIECEWISE_FROM)
    return digest('sha256', out.kept.length === 0 ? out.text : out.kept.join('') + out.text, 'hex');
  const hash = createHash('sha256');
  // A kept text of ASCII only is handed over as Latin-1: the same bytes as its UTF-8, without the encoder's pass.
  out.kept.forEach((piece, index) => hash.update(piece, out.ascii[index] ? 'latin1' : 'utf8'));
  return hash.update(out.text, 'utf8').digest('hex');
}

export { canonicalJsonCounters };

// Characters JSON.stringify escapes: strings without them are written as they are, like safe-stable-stringify.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f\u0022\u005c\ud800-\udfff]/;

function writeString(text: string): string {
  return text.length < 5000 && !NEEDS_ESCAPE.test(text) ? `"${text}"` : JSON.stringify(text);
}

/**
 * Where the canonical text is written: small pieces appended to `text`, and each checked group's kept text as a
 * piece of its own in `kept` (after the text before it, which is moved there first). In order: `kept`, then `text`.
 */
class Pieces {
  readonly kept: string[] = [];
  /** For each piece of `kept`: known to be ASCII only. */
  readonly ascii: boolean[] = [];
  text = '';

  add(piece: string): void {
    this.text += piece;
  }

  addKept(piece: GroupJson): void {
    this.kept.push(this.text, piece.text);
    this.ascii.push(false, piece.ascii);
    this.text = '';
  }
}

function canonicalParts(value: unknown, omit: string | undefined): Pieces {
  const out = new Pieces();
  const depth = keysInUse;
  try {
    if (omit !== undefined && isPlainWithoutToJson(value)) {
      writeMembers(value, [], out, omit);
      return out;
    }
    if (omit !== undefined) {
      // What a copy without the member is: the own enumerable members but that one (no toJSON of a prototype).
      const { [omit]: _, ...rest } = value as Record<string, unknown>;
      value = rest;
    }
    if (!write(value, [], out)) throw new Error(`cannot express ${typeof value} as canonical JSON`);
    return out;
  } finally {
    keysInUse = depth; // a throw mid-walk leaves no key list taken
  }
}

function isPlainWithoutToJson(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !('toJSON' in value);
}

/**
 * Writes the canonical text of `value` to `out`; false (and nothing written) for undefined, which objects leave out
 * and arrays write as null. `converted`: `value` is what a toJSON answered, whose own toJSON is not called again.
 */
function write(value: unknown, stack: object[], out: Pieces, converted = false): boolean {
  switch (typeof value) {
    case 'string':
      out.add(writeString(value));
      return true;
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot express ${String(value)} as canonical JSON`);
      out.add(String(value)); // -0 gives "0", as JCS wants
      return true;
    case 'boolean':
      out.add(value ? 'true' : 'false');
      return true;
    case 'undefined':
      return false;
    case 'object':
      if (value === null) {
        out.add('null');
        return true;
      }
      return writeObject(value, stack, out, converted);
    default:
      throw new Error(`cannot express a ${typeof value} as canonical JSON`);
  }
}

/** Its toJSON, if `value` is an object that has one (JSON.stringify calls it, once, and writes what it answers). */
function toJsonOf(value: unknown): ((this: unknown, key: string) => unknown) | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
  return typeof toJSON === 'function' ? (toJSON as (this: unknown, key: string) => unknown) : undefined;
}

function writeObject(value: object, stack: object[], out: Pieces, converted: boolean): boolean {
  if (!converted) {
    const toJSON = toJsonOf(value);
    // What a toJSON answers is written as it is, even if it has a toJSON too.
    if (toJSON) return write(toJSON.call(value, ''), stack, out, true);
  }
  if (stack.includes(value)) throw new Error('cannot express a cycle as canonical JSON');
  if (Array.isArray(value)) {
    writeArray(value, stack, out);
    return true;
  }
  writeMembers(value, stack, out, undefined);
  return true;
}

/**
 * An object's members in key order, but `omit`. The keys are collected and sorted in a list kept for this depth of
 * the walk (`sortedKeys`), and each key's text is made once (`keyText`): Object.keys, the sort's work array, the
 * per-member views and the key strings were the largest share of the process's allocations under single usage
 * records (a sampling heap profile: about a fifth of all bytes, all garbage at once).
 */
function writeMembers(value: object, stack: object[], out: Pieces, omit: string | undefined): void {
  const listed = sortedKeys(value);
  const keys = listed ?? Object.keys(value).sort();
  const count = listed ? keysCount : keys.length;
  stack.push(value);
  out.add('{');
  let first = true;
  for (let index = 0; index < count; index++) {
    const key = keys[index];
    if (key === omit) continue;
    // Known before its key is written: a member whose value (or its toJSON's answer) is undefined is left out.
    let member: unknown = (value as Record<string, unknown>)[key];
    const toJSON = toJsonOf(member);
    if (toJSON) member = toJSON.call(member, '');
    if (member === undefined) continue;
    out.add(keyText(key, first));
    first = false;
    write(member, stack, out, toJSON !== undefined);
  }
  stack.pop();
  if (listed) keysInUse--;
  out.add('}');
}

/** Objects with more keys than this are sorted by Array.prototype.sort (an insertion sort's cost grows with n²). */
const MAX_LISTED_KEYS = 32;
/** Key lists, one per depth of the walks under way (a toJSON may start a walk of its own inside one). */
const keyLists: string[][] = [];
let keysInUse = 0;
/** How many keys the last `sortedKeys` listed. */
let keysCount = 0;

/**
 * The object's own enumerable keys (Object.keys's), sorted by UTF-16 code units (the default sort's order, and
 * `<`'s), in a list taken for this depth, and their number in `keysCount`; undefined for an object of more than
 * MAX_LISTED_KEYS keys (nothing taken). The caller gives the list back (`keysInUse--`) once written.
 */
function sortedKeys(value: object): string[] | undefined {
  const keys = (keyLists[keysInUse] ??= []);
  let count = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (count === MAX_LISTED_KEYS) return undefined;
    let at = count;
    while (at > 0 && keys[at - 1] > key) {
      keys[at] = keys[at - 1];
      at--;
    }
    keys[at] = key;
    count++;
  }
  keysInUse++;
  keysCount = count;
  return keys;
}

/** Keys' texts (`"key":`, and `,"key":` after the first member), made once: keys repeat across every event. */
const firstKeyTexts = new Map<string, string>();
const nextKeyTexts = new Map<string, string>();
/** Only so many: a client-chosen key (in a record's data) must not grow the cache without bound. */
const MAX_KEY_TEXTS = 4096;

function keyText(key: string, first: boolean): string {
  const texts = first ? firstKeyTexts : nextKeyTexts;
  let text = texts.get(key);
  if (text === undefined) {
    text = first ? `${writeString(key)}:` : `,${writeString(key)}:`;
    if (texts.size < MAX_KEY_TEXTS) texts.set(key, text);
  }
  return text;
}

function writeArray(items: unknown[], stack: object[], out: Pieces): void {
  if (usageRecordsCheck(items as UsageRecord[])) {
    // A small group's text (a single record's) joins the rest: kept apart it would be joined again for the hash.
    const text = writeRecordGroup(items as UsageRecord[]);
    if (text.text.length < PIECEWISE_FROM) out.add(text.text);
    else out.addKept(text);
    return;
  }
  stack.push(items);
  out.add('[');
  for (let index = 0; index < items.length; index++) {
    if (index > 0) out.add(',');
    if (!write(items[index], stack, out)) out.add('null');
  }
  stack.pop();
  out.add(']');
}
