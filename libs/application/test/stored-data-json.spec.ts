import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METERED_SERVICES, sortUsageRecords, UsageRecord } from '@app/domain';
import { prepareAppend, SqliteEventStore } from '@app/event-store';
import { canonicalJsonCounters } from '../src/canonical-json';
import { chainDecisions, commandHash } from '../src/command-events';
import { SPLICE_FROM_RECORDS, storedDataJson } from '../src/stored-data-json';

/**
 * The stored data text of a batch event is made from the group text the hashes wrote (`NewEvent.dataJson`): it must
 * be JSON.stringify(data), byte for byte, or stored rows (and what audit reads back and hashes) would change.
 */

const NOW = '2026-11-20T08:00:00.000Z';
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const anyString = fc.string({ unit: fc.oneof(codeUnit, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) });
const anyRecord = fc.record({
  usageId: anyString.filter((id) => id.trim().length > 0 && id.length <= 128),
  service: fc.constantFrom(...METERED_SERVICES),
  quantity: fc.oneof(fc.integer({ min: 1, max: 1e9 }), fc.constantFrom(0, -0, 0.5, 1e21)),
  occurredAt: fc.constantFrom('2026-11-01T00:00:00Z', '2026-11-19T23:59:59.999Z', '2026-11-10T12:00:00+01:00'),
});
const jsonLike = fc.jsonValue();

/** A checked group (frozen, as `sortUsageRecords` makes it) of the valid ones among `records`, or null if none. */
function groupOf(records: unknown[]): UsageRecord[] | null {
  return sortUsageRecords(records, NOW).byMonth.get('2026-11') ?? null;
}

const batch = (count: number, prefix = 'u'): UsageRecord[] => {
  const group = groupOf(
    Array.from({ length: count }, (_, index) => ({
      usageId: `${prefix}-${index}`,
      service: 'chat-sessions',
      quantity: 1,
      occurredAt: '2026-11-10T12:00:00.000Z',
    })),
  );
  if (!group) throw new Error('no group');
  return group;
};

describe('storedDataJson', () => {
  it('is JSON.stringify of the data whenever it answers, for any members and groups in any place', () => {
    fc.assert(
      fc.property(
        fc.dictionary(anyString, fc.oneof(jsonLike, fc.constant(undefined)), { maxKeys: 6 }),
        fc.array(anyRecord, { minLength: 1, maxLength: 60 }),
        anyString,
        fc.nat(6),
        (members, records, key, at) => {
          const group = groupOf(records);
          const data: Record<string, unknown> = {};
          Object.entries(members).forEach(([name, value], index) => {
            if (index === at && group) data[key] = group;
            data[name] = value;
          });
          if (group && !(key in data)) data[key] = group;
          const text = storedDataJson(data);
          if (text !== undefined) expect(text).toBe(JSON.stringify(data));
          const spliced = group !== null && group.length >= SPLICE_FROM_RECORDS && data[key] === group;
          expect(text !== undefined).toBe(spliced);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('splices a big group in, and leaves data without one, or with a toJSON, to the store', () => {
    const group = batch(200);
    const data = { tenantId: 'T', month: '2026-11', users: 3, records: group, skipped: undefined, at: NOW };
    expect(storedDataJson(data)).toBe(JSON.stringify(data));
    expect(storedDataJson({ tenantId: 'T', records: batch(2) })).toBeUndefined();
    expect(storedDataJson({ records: [...group] })).toBeUndefined();
    // JSON.stringify hands a toJSON the member's key, which a member written on its own would not get.
    const keyed = { toJSON: (name: string) => name };
    expect(storedDataJson({ records: group, keyed })).toBeUndefined();
    expect(storedDataJson({ records: group, toJSON: () => ({}) })).toBeUndefined();
  });
});

describe('a batch event, chained and appended', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'stored-data-json-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const chainBatch = (records: UsageRecord[]) => {
    const command = { type: 'RecordMeteredUsage', data: { tenantId: 'T', month: '2026-11', records } };
    const event = {
      type: 'MeteredUsageRecorded',
      data: { tenantId: 'T', month: '2026-11', users: 1, records, at: NOW },
    };
    const hash = commandHash({ ...command, metadata: { now: NOW } });
    return chainDecisions({
      stream: 'metering-T-2026-11',
      firstRevision: 0,
      previousHash: null,
      decisions: [{ commandIndex: 0, commandId: 'c', hash, events: [event], summary: undefined }],
      envelopeOf: () => ({ commandId: 'c', correlationId: 'c', actor: 'a', tenant: 'T' }),
      versionOf: () => 1,
    }).events;
  };

  it('is serialised once, for both hashes and the store: the store writes no JSON of the records', () => {
    const records = batch(1000);
    const before = canonicalJsonCounters.recordGroupsWritten;
    const events = chainBatch(records);
    expect(canonicalJsonCounters.recordGroupsWritten - before).toBe(1);
    expect(events[0].dataJson).toBe(JSON.stringify(events[0].data));
    const stringify = jest.spyOn(JSON, 'stringify');
    let prepared: ReturnType<typeof prepareAppend>;
    try {
      prepared = prepareAppend('metering-T-2026-11', events, 'no_stream');
      expect(stringify.mock.calls.filter(([value]) => value === events[0].data || value === records)).toEqual([]);
    } finally {
      stringify.mockRestore();
    }
    expect(prepared[0].data).toBe(JSON.stringify(events[0].data));
    expect(canonicalJsonCounters.recordGroupsWritten - before).toBe(1);
  });

  it('stores the row JSON.stringify would have stored, and reads back the same data', async () => {
    const records = batch(1000, 'é\u2028"x');
    const events = chainBatch(records);
    const store = new SqliteEventStore({ file: join(dir, 'events.db') });
    try {
      await store.append('metering-T-2026-11', events, 'no_stream');
      const read = await store.readStream('metering-T-2026-11');
      expect(read.status === 'found' && read.events.map((one) => one.data)).toEqual([events[0].data]);
    } finally {
      await store.close();
    }
    const raw = new Database(join(dir, 'events.db'), { readonly: true });
    try {
      const row = raw.prepare('SELECT data FROM events WHERE stream = ?').get('metering-T-2026-11') as { data: string };
      expect(row.data).toBe(
        JSON.stringify({ tenantId: 'T', month: '2026-11', users: 1, records: [...records], at: NOW }),
      );
    } finally {
      raw.close();
    }
  });
});
