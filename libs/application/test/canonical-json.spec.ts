import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { sortUsageRecords, METERED_SERVICES, UsageRecord } from '@app/domain';
import { canonicalJson, canonicalJsonCounters, canonicalSha256 } from '../src/canonical-json';
import type * as crypto from 'node:crypto';
import { chainDecisions, commandHash } from '../src/command-events';
import { eventHash } from '../src/event-chain';
import { createHash } from 'node:crypto';

/**
 * The runner's hashes are stored and verified forever (commandHash, the event chain): the faster canonical JSON
 * they are made with must give canonicalize's text, byte for byte, for every JSON value.
 */

// Any UTF-16 code unit, lone surrogates included: the escaping rules differ exactly there.
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const anyString = fc.string({ unit: fc.oneof(codeUnit, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) });
const anyNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 0.1 + 0.2),
);
const jsonLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    anyNumber,
    anyString,
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(anyString, tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('canonicalJson', () => {
  it('gives the text canonicalize gives, for any JSON value (any key, any code unit, any number)', () => {
    fc.assert(
      fc.property(jsonLike, (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives it for fast-check JSON values with full unicode too', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('sorts keys by UTF-16 code units, drops undefined members, writes undefined array items as null, uses toJSON', () => {
    const value = {
      '\u20ac': 1,
      '\ud83d\ude00': 2,
      b: [undefined, 1e21, -0, 'a\u2028\u0007"\\'],
      a: undefined,
      c: new Date(Date.UTC(2026, 10, 29)),
      A: { z: true, y: null },
    };
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('gives it for objects of many keys, keys inherited or not enumerable, and a toJSON that walks on its own', () => {
    const many = fc.dictionary(anyString, jsonLike, { minKeys: 30, maxKeys: 45 });
    fc.assert(
      fc.property(many, (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
        expect(canonicalJson({ outer: value, b: [value] })).toBe(canonicalize({ outer: value, b: [value] }));
      }),
      { numRuns: 200 },
    );
    const inherited = Object.create({ inheritedKey: 1 }) as Record<string, unknown>;
    inherited.own = 2;
    Object.defineProperty(inherited, 'hidden', { value: 3, enumerable: false });
    expect(canonicalJson({ x: inherited })).toBe('{"x":{"own":2}}');
    // A toJSON that makes canonical JSON itself, mid-walk: the walk it interrupts keeps its own key lists.
    const nested = { toJSON: () => canonicalJson({ d: 1, c: { b: 2, a: 3 } }) };
    const value = { z: { y: 1, x: nested, w: 2 }, a: { c: 1, b: 2 } };
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('writes the next value right after a walk that threw midway', () => {
    expect(() => canonicalJson({ b: { d: { f: Number.NaN, e: 1 }, c: 1 }, a: 1 })).toThrow();
    expect(canonicalJson({ b: { d: 1, c: 2 }, a: 1 })).toBe('{"a":1,"b":{"c":2,"d":1}}');
  });

  it('hashes a value without one member as the copy without it (commandHash: as it hashed before, on any command)', () => {
    const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    const command = fc.record(
      { type: anyString, data: jsonLike, metadata: jsonLike, other: jsonLike },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(command, (value) => {
        // The implementation this replaced: a rest copy without `metadata`, hashed.
        const { metadata: _, ...rest } = value;
        expect(commandHash(value)).toBe(sha(canonicalize(rest) ?? ''));
        expect(canonicalSha256(value, 'metadata')).toBe(canonicalSha256(rest));
      }),
      { numRuns: 1000 },
    );
    // An object with a toJSON is left out of the walk's shortcut: its copy has no toJSON, and is what is hashed.
    const withToJson = Object.assign(Object.create({ toJSON: () => 'x' }) as object, { a: 1, metadata: 2 });
    expect(canonicalSha256(withToJson, 'metadata')).toBe(sha('{"a":1}'));
  });

  it('refuses what JSON cannot express instead of leaving it out', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow();
    expect(() => canonicalJson({ n: 1n })).toThrow();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow();
    expect(() => canonicalJson(undefined)).toThrow();
  });

  it('keeps what the stored hashes mean: commandHash and eventHash over canonicalize text', () => {
    const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    const records = Array.from({ length: 50 }, (_, index) => ({
      usageId: `u-${index}-\u00e9`,
      service: 'chat-sessions',
      quantity: index + 0.5,
      occurredAt: '2026-11-29T10:00:00.000Z',
    }));
    const command = { type: 'RecordMeteredUsage', data: { tenantId: 'T', month: '2026-11', records }, metadata: {} };
    expect(commandHash(command)).toBe(sha(canonicalize({ type: command.type, data: command.data }) ?? ''));
    const content = {
      stream: 's',
      revision: 3,
      id: 'ABC',
      type: 'MeteredUsageRecorded',
      data: { records },
      metadata: { actor: 'a', hash: 'x', previousHash: 'p' },
    };
    const expected = canonicalize({
      stream: 's',
      revision: 3,
      id: 'abc',
      type: 'MeteredUsageRecorded',
      data: { records },
      metadata: { actor: 'a' },
      previousHash: 'p',
    });
    expect(eventHash(content, 'p')).toBe(sha(expected ?? ''));
  });

  describe('checked groups of usage records (made by sortUsageRecords, frozen)', () => {
    const NOW = '2026-11-29T10:00:00.000Z';
    const groupOf = (records: UsageRecord[]): UsageRecord[] => {
      const groups = [...sortUsageRecords(records, NOW).byMonth.values()];
      if (groups.length !== 1) throw new Error('one month expected');
      return groups[0];
    };
    const aRecord = fc.record({
      // Any code unit but a leading or trailing blank (a usage id must not be blank): escapes and lone surrogates.
      usageId: anyString.filter((id) => id.trim().length > 0 && id.length <= 128),
      service: fc.constantFrom(...METERED_SERVICES),
      quantity: fc.oneof(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(1, 2 ** 53 - 1)),
      occurredAt: fc.constantFrom(
        '2026-11-29T09:00:00.000Z',
        '2026-11-01T00:30:00-01:00',
        '2026-11-15T12:00:00Z',
        '2026-11-15T12:00:00.123456+01:00',
      ),
    });

    it('are written as canonicalize writes them (members written straight in sorted order)', () => {
      fc.assert(
        fc.property(fc.array(aRecord, { minLength: 1, maxLength: 8 }), (records) => {
          const group = groupOf(records);
          expect(canonicalJson({ data: { records: group } })).toBe(canonicalize({ data: { records: [...group] } }));
        }),
        { numRuns: 500 },
      );
      // Written without escaping: no service name (and no calendar instant) holds a character JSON escapes.
      for (const service of METERED_SERVICES) expect(JSON.stringify(service)).toBe(`"${service}"`);
      const storage = groupOf([{ usageId: 'z', service: 'storage', quantity: -0, occurredAt: NOW }]);
      expect(canonicalJson(storage)).toBe(canonicalize([...storage]));
    });

    it('are hashed as a piece of their own, with the same SHA-256 as the whole canonical text', () => {
      const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
      fc.assert(
        fc.property(fc.array(aRecord, { minLength: 1, maxLength: 8 }), jsonLike, (records, other) => {
          const group = groupOf(records);
          const value = { a: other, data: { records: group, twice: [group, other] }, z: 'é' };
          expect(canonicalSha256(value)).toBe(
            sha(canonicalize({ ...value, data: { records: [...group], twice: [[...group], other] } }) ?? ''),
          );
        }),
        { numRuns: 300 },
      );
      // A big group's text reaches the hash as the string that was kept, never inside a longer one made around it;
      // a small one's (a single record) is hashed one-shot with the rest, no Hash object.
      const records = (count: number) =>
        Array.from({ length: count }, (_, index) => ({
          usageId: `u-${index}`,
          service: 'chat-sessions' as const,
          quantity: 1,
          occurredAt: NOW,
        }));
      const big = groupOf(records(1000));
      const small = groupOf(records(1));
      const expected = [small, big].map((group) =>
        sha(canonicalize({ type: 'T', data: { records: [...group] } }) ?? ''),
      );
      // The prototype of Node's Hash objects (taken from one: `crypto.Hash` may be a deprecation wrapper).
      const update = jest.spyOn(Object.getPrototypeOf(createHash('sha256')) as crypto.Hash, 'update');
      let hashed: unknown[];
      try {
        expect(canonicalSha256({ type: 'T', data: { records: small } })).toBe(expected[0]);
        expect(update).not.toHaveBeenCalled();
        expect(canonicalSha256({ type: 'T', data: { records: big } })).toBe(expected[1]);
        hashed = update.mock.calls.map(([data]) => data);
      } finally {
        update.mockRestore();
      }
      expect(hashed).toEqual(['{"data":{"records":', canonicalJson(big), '},"type":"T"}']);
    });

    it('hash a big ASCII text as Latin-1 (the same bytes), any other as UTF-8, with the same SHA-256', () => {
      const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
      const update = jest.spyOn(Object.getPrototypeOf(createHash('sha256')) as crypto.Hash, 'update');
      try {
        fc.assert(
          fc.property(anyString, fc.nat(399), (odd, at) => {
            const records = Array.from({ length: 400 }, (_, index) => ({
              usageId: index === at && odd.trim().length > 0 ? odd.slice(0, 128) : `u-${index}`,
              service: 'chat-sessions' as const,
              quantity: 1,
              occurredAt: NOW,
            }));
            const group = groupOf(records);
            update.mockClear();
            expect(canonicalSha256({ data: { records: group }, é: 1 })).toBe(
              sha(canonicalize({ data: { records: [...group] }, é: 1 }) ?? ''),
            );
            const text = canonicalJson(group);
            const encoding = update.mock.calls.find(([data]) => data === text)?.[1];
            expect(encoding).toBe([...text].every((char) => char.charCodeAt(0) < 0x80) ? 'latin1' : 'utf8');
          }),
          { numRuns: 200 },
        );
      } finally {
        update.mockRestore();
      }
    });

    it('are serialised once for the command hash and the event hash; other arrays every time', () => {
      const records = Array.from({ length: 3 }, (_, index) => ({
        usageId: `u-${index}`,
        service: 'chat-sessions' as const,
        quantity: 1,
        occurredAt: NOW,
      }));
      const group = groupOf(records);
      const before = canonicalJsonCounters.recordGroupsWritten;
      const command = { type: 'RecordMeteredUsage', data: { tenantId: 'T', month: '2026-11', records: group } };
      // The event carries the group itself (not a copy), as the decider hands it on; chained as the runner does.
      const event = {
        type: 'MeteredUsageRecorded',
        data: { tenantId: 'T', month: '2026-11', users: 1, records: group },
      };
      const hash = commandHash({ ...command, metadata: { now: NOW } });
      chainDecisions({
        stream: 'metering-T-2026-11',
        firstRevision: 0,
        previousHash: null,
        decisions: [{ commandIndex: 0, commandId: 'c', hash, events: [event], summary: undefined }],
        envelopeOf: () => ({ commandId: 'c', correlationId: 'c', actor: 'a', tenant: 'T' }),
        versionOf: () => 1,
      });
      expect(canonicalJsonCounters.recordGroupsWritten - before).toBe(1);
      canonicalJson({ records });
      canonicalJson({ records });
      expect(canonicalJsonCounters.recordGroupsWritten - before).toBe(1);
      expect(canonicalJson(command)).toBe(canonicalize(command));
    });
  });
});
