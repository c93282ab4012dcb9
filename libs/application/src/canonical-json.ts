import { usageRecordsCheck, UsageRecord } from '@app/domain';

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
 * is made once and kept beside it (weakly) for the second hash.
 */
export function canonicalJson(value: unknown): string {
  const text = write(value, []);
  if (text === undefined) throw new Error(`cannot express ${typeof value} as canonical JSON`);
  return text;
}

/** Counts texts made for frozen record groups (not those reused): for tests that a batch is serialised once. */
export const canonicalJsonCounters = { recordGroupsWritten: 0 };

const groupTexts = new WeakMap<readonly UsageRecord[], string>();

// Characters JSON.stringify escapes: strings without them are written as they are, like safe-stable-stringify.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f\u0022\u005c\ud800-\udfff]/;

function writeString(text: string): string {
  return text.length < 5000 && !NEEDS_ESCAPE.test(text) ? `"${text}"` : JSON.stringify(text);
}

/** The canonical text of `value`, or undefined for undefined (left out of objects, null in arrays). */
function write(value: unknown, stack: object[]): string | undefined {
  switch (typeof value) {
    case 'string':
      return writeString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot express ${String(value)} as canonical JSON`);
      return String(value); // -0 gives "0", as JCS wants
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return undefined;
    case 'object':
      return value === null ? 'null' : writeObject(value, stack);
    default:
      throw new Error(`cannot express a ${typeof value} as canonical JSON`);
  }
}

function writeObject(value: object, stack: object[], converted = false): string | undefined {
  const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
  if (!converted && typeof toJSON === 'function') {
    // Called once, as JSON.stringify does: what it answers is written as it is, even if it has a toJSON too.
    const json: unknown = toJSON.call(value, '');
    return typeof json === 'object' && json !== null ? writeObject(json, stack, true) : write(json, stack);
  }
  if (stack.includes(value)) throw new Error('cannot express a cycle as canonical JSON');
  if (Array.isArray(value)) return writeArray(value, stack);
  const keys = Object.keys(value).sort();
  stack.push(value);
  let text = '{';
  for (const key of keys) {
    const member = write((value as Record<string, unknown>)[key], stack);
    if (member === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${writeString(key)}:${member}`;
  }
  stack.pop();
  return `${text}}`;
}

function writeArray(items: unknown[], stack: object[]): string {
  if (usageRecordsCheck(items as UsageRecord[])) return writeRecordGroup(items as UsageRecord[]);
  stack.push(items);
  const parts = new Array<string>(items.length);
  for (let index = 0; index < items.length; index++) parts[index] = write(items[index], stack) ?? 'null';
  stack.pop();
  // Joined rather than appended: one flat string, not a rope of thousands of pieces that a kept text would hold.
  return `[${parts.join(',')}]`;
}

/**
 * A checked group's text, made once. Its records are literals of exactly `occurredAt`, `quantity`, `service` and
 * `usageId`, in that (sorted) order, three strings and a finite number (built and frozen by `sortUsageRecords` after
 * the checks, `RECORD_KEYS`): JSON.stringify writes them as the general walk would (the spec compares them), with
 * strings escaped as JCS escapes them and numbers as ECMAScript writes them (-0 as 0), in one pass and one string.
 * The per-record strings of a hand-written walk were the largest allocation of a batch of 1,000 (ahead of its body).
 */
function writeRecordGroup(group: readonly UsageRecord[]): string {
  const known = groupTexts.get(group);
  if (known !== undefined) return known;
  const text = JSON.stringify(group);
  groupTexts.set(group, text);
  canonicalJsonCounters.recordGroupsWritten++;
  return text;
}
