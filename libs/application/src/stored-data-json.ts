import { usageRecordsCheck, UsageRecord } from '@app/domain';
import { checkedGroupText } from './record-group-text';

/**
 * What the store keeps as an event's data text (`NewEvent.dataJson`), made from the texts the hashes already wrote:
 * a batch event carries a checked group of 1,000 usage records, 110 kB of JSON that canonical JSON made once for the
 * command hash and the chain hash (`checkedGroupText`); JSON.stringify of the event's data wrote it a third time in
 * the store (326 µs of a batch's ~7 ms on the main thread). Here the data's members are written one by one, each
 * as JSON.stringify writes it, and a checked group member as its kept text: byte for byte JSON.stringify(data) (a
 * property test holds it to that), so the stored rows, and what audit and the hashes read back, do not change.
 *
 * Answers undefined, and the store serialises as before, when no member is a checked group of at least
 * SPLICE_FROM_RECORDS records (a walk here costs more than V8's one-pass JSON.stringify of a small event), and when
 * JSON.stringify would call a toJSON on the data or one of its members: it passes the member's key to it, which a
 * member written on its own would not.
 */
export function storedDataJson(data: object): string | undefined {
  if (Array.isArray(data) || hasToJson(data)) return undefined;
  const members = data as Record<string, unknown>;
  // Object.keys: the own enumerable string keys in the order JSON.stringify writes them.
  const keys = Object.keys(members);
  // Most events hold no big group (a single usage record's neither): those are left to the store before any work.
  if (!keys.some((key) => isBigGroup(members[key]))) return undefined;
  let text = '{';
  for (const key of keys) {
    const value = members[key];
    if (hasToJson(value)) return undefined;
    const member = isBigGroup(value) ? checkedGroupText(value) : written(value);
    // Undefined, a function or a symbol: JSON.stringify leaves the member out of an object.
    if (member === undefined) continue;
    text += `${text.length === 1 ? '' : ','}${JSON.stringify(key)}:`;
    text += member;
  }
  return `${text}}`;
}

/** Checked groups of at least this many records are spliced in (a batch of 1,000 records is ~110,000 characters). */
export const SPLICE_FROM_RECORDS = 32;

function isBigGroup(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length >= SPLICE_FROM_RECORDS &&
    usageRecordsCheck(value as UsageRecord[]) !== undefined
  );
}

/** JSON.stringify's text of a value, undefined (left out of an object) for undefined, a function or a symbol. */
function written(value: unknown): string | undefined {
  return JSON.stringify(value);
}

function hasToJson(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
