import { GroupJson, keepGroupJson, keptGroupJson, METERED_SERVICES, usageRecordsCheck, UsageRecord } from '@app/domain';
import { vouchJsonSafe } from '@app/event-store';

/**
 * The JSON text of a checked group of usage records (built, checked and frozen by `sortUsageRecords`), made once and
 * kept on the group (`keepGroupJson`): canonical JSON hashes it in the command and in the event that records it, and the store
 * keeps it as the event's data (`stored-data-json.ts`). Text and group cannot drift apart: the group is frozen.
 */

/** Counts texts made for frozen record groups (not those reused): for tests that a batch is serialised once. */
export const canonicalJsonCounters = { recordGroupsWritten: 0 };

/**
 * JSON.stringify of `value` when it is a checked group of usage records, from the text kept on it (made here if
 * not yet); undefined for any other value. The same text serves the hashes and the stored event (`stored-data-json`).
 */
export function checkedGroupText(value: unknown): string | undefined {
  return Array.isArray(value) && usageRecordsCheck(value as UsageRecord[])
    ? writeRecordGroup(value as UsageRecord[]).text
    : undefined;
}

/**
 * A checked group's text, made once: JSON.stringify's, which for these records is their canonical JSON too. Its
 * records are literals of exactly `occurredAt`, `quantity`, `service` and `usageId`, in that (sorted) order
 * (`RECORD_KEYS`), built and frozen after the checks, so the text is written here by hand, record by record, in
 * half the time JSON.stringify took (~150 of ~300 µs for 1,000): `occurredAt` passed `calendarInstantMs`, which
 * admits digits, `-`, `:`, `T`, `.`, `Z` and `+` only, none of which JSON escapes; `service` is one of the metered
 * services, its member's text made once; a finite number is written by String as by JSON.stringify (-0 as 0); and
 * a usage id with a character JSON escapes (or any surrogate) is written by JSON.stringify itself. The specs hold
 * the text to JSON.stringify and to canonicalize.
 */
export function writeRecordGroup(group: readonly UsageRecord[]): GroupJson {
  const known = keptGroupJson(group);
  if (known !== undefined) return known;
  const text = recordsText(group);
  // Every character below 0x80 exactly when the UTF-8 is as long as the text (any other takes 2 bytes or more):
  // counted once (~20 µs for 110 kB), it spares the UTF-8 encoder's pass over the text in both hashes (~50 µs each).
  const kept = { text, ascii: Buffer.byteLength(text, 'utf8') === text.length };
  // Kept on the group itself (a checked group's memo, see usage-record.ts); any other array keeps nothing.
  keepGroupJson(group, kept);
  // A checked group round-trips through JSON, and it and its records are frozen (see `usageRecordsCheck`): the
  // store's committed tail may hand it out without walking its records again. Said only of a group worth it: the
  // store keeps that word in a weak set, where an entry that dies young costs ~0.85 µs, about what the tail's walk of
  // eight records costs (~1 µs, measured): a single usage record's group is walked, a batch of 1,000 is not.
  if (group.length >= VOUCH_FROM_RECORDS && usageRecordsCheck(group) !== undefined) vouchJsonSafe(group);
  canonicalJsonCounters.recordGroupsWritten++;
  return kept;
}

/** Checked groups of at least this many records are vouched for to the store (see `writeRecordGroup`). */
export const VOUCH_FROM_RECORDS = 8;

/** What follows a record's quantity, up to its usage id's text: `,"service":"<service>","usageId":`, per service. */
const SERVICE_MEMBERS = new Map<string, string>(
  METERED_SERVICES.map((service) => [service, `,"service":${JSON.stringify(service)},"usageId":`]),
);

// Characters JSON.stringify escapes, and surrogates (paired ones are left to it as well).
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f\u0022\u005c\ud800-\udfff]/;

function recordsText(group: readonly UsageRecord[]): string {
  // The pieces, joined once: `text +=` of a template made ~9 cons strings per record (~280 kB of garbage per batch
  // of 1,000, then a 110 kB flat copy when the text was first read), where join writes the flat text directly and
  // leaves only this array behind (issue 15, goal 4: the collector's share of a batch).
  const parts = new Array<string>(group.length * PIECES_PER_RECORD + 2);
  let part = 0;
  parts[part++] = '[';
  for (let index = 0; index < group.length; index++) {
    const { occurredAt, quantity, service, usageId } = group[index];
    const serviceMember = SERVICE_MEMBERS.get(service);
    // Not a checked record after all (the group's rules changed?): JSON.stringify knows no shortcuts.
    if (serviceMember === undefined) return JSON.stringify(group);
    parts[part++] = index === 0 ? '{"occurredAt":"' : ',{"occurredAt":"';
    parts[part++] = occurredAt;
    parts[part++] = '","quantity":';
    parts[part++] = String(quantity);
    parts[part++] = serviceMember;
    if (NEEDS_ESCAPE.test(usageId)) {
      parts[part++] = JSON.stringify(usageId);
      parts[part++] = '}';
    } else {
      parts[part++] = '"';
      parts[part++] = usageId;
      parts[part++] = '"}';
    }
  }
  parts[part++] = ']';
  parts.length = part;
  return parts.join('');
}

/** The most pieces `recordsText` writes for one record. */
const PIECES_PER_RECORD = 8;
