import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonObject, SqliteEventStore } from '@app/event-store';
import { canonicalJson } from '../src/canonical-json';
import { parse as parseUuid, v5 as uuidV5 } from 'uuid';
import {
  chainDecisions,
  chainEvent,
  chainEvents,
  checkLink,
  eventHash,
  eventIdOf,
  nameBasedId,
  storedHash,
} from '../src';

const ID = [
  '7d3f0d4e-1c9a-4e57-9a43-0d2b3c6f8a10',
  '7d3f0d4e-1c9a-4e57-9a43-0d2b3c6f8a11',
  '7d3f0d4e-1c9a-4e57-9a43-0d2b3c6f8a12',
];
// Domain events may carry undefined fields (the runner passes them as they are); JSON storage drops them.
const json = (value: object) => value as JsonObject;
const events = () => [
  {
    id: ID[0],
    type: 'LicenseAssigned',
    data: json({ module: 'user', userId: 'u1', isPlan: undefined }),
    metadata: { tenant: 'T1', actor: 'a' },
  },
  { id: ID[1], type: 'LicenseAssigned', data: { module: 'web', userId: 'u1' }, metadata: { tenant: 'T1', actor: 'a' } },
  {
    id: ID[2],
    type: 'UserDeactivated',
    data: { userId: 'u1', at: '2026-06-01T00:00:00.000Z' },
    metadata: { tenant: 'T1', actor: 'a' },
  },
];

describe('the hash chain of a stream', () => {
  it('links every event to the one before it, starting from null', () => {
    const { events: chained, lastHash } = chainEvents('ledger-T1', 0, null, events());
    expect(chained[0].metadata).toMatchObject({ previousHash: null, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(chained[1].metadata.previousHash).toBe(chained[0].metadata.hash);
    expect(chained[2].metadata.previousHash).toBe(chained[1].metadata.hash);
    expect(lastHash).toBe(chained[2].metadata.hash);
    let previous: string | null = null;
    chained.forEach((event, revision) => {
      expect(checkLink({ ...event, stream: 'ledger-T1', revision }, previous)).toEqual({ status: 'valid' });
      previous = storedHash(event.metadata);
    });
  });

  it('covers the stream, the revision, the id, the type, the data and the metadata', () => {
    const [event] = chainEvents('ledger-T1', 0, null, events()).events;
    const recorded = { ...event, stream: 'ledger-T1', revision: 0 };
    const changed = [
      { ...recorded, stream: 'ledger-T2' },
      { ...recorded, revision: 1 },
      { ...recorded, id: ID[1] },
      { ...recorded, type: 'LicenseReleased' },
      { ...recorded, data: { ...recorded.data, module: 'web' } },
      { ...recorded, metadata: { ...recorded.metadata, actor: 'mallory' } },
      { ...recorded, metadata: { ...recorded.metadata, previousHash: 'f'.repeat(64) } },
    ];
    for (const event of changed) expect(checkLink(event, null)).toMatchObject({ status: 'hash-mismatch' });
  });

  it('does not depend on key order, id case or undefined fields, as JSON storage would change them', () => {
    const content = {
      stream: 's',
      revision: 3,
      id: ID[0],
      type: 't',
      data: json({ b: 1, a: [1, 'x'], c: undefined }),
      metadata: { y: 'y', x: 'x' },
    };
    const hash = eventHash(content, 'p');
    expect(
      eventHash(
        { ...content, id: ID[0].toUpperCase(), data: { a: [1, 'x'], b: 1 }, metadata: { x: 'x', y: 'y' } },
        'p',
      ),
    ).toBe(hash);
    expect(eventHash(content, 'q')).not.toBe(hash);
  });

  it('names a missing hash and a broken link', () => {
    const chained = chainEvents('s', 0, null, events()).events;
    expect(checkLink({ ...chained[0], stream: 's', revision: 0, metadata: { tenant: 'T1' } }, null)).toEqual({
      status: 'missing-hash',
    });
    // Event 1 removed: event 2 no longer follows event 0.
    expect(checkLink({ ...chained[2], stream: 's', revision: 2 }, storedHash(chained[0].metadata))).toEqual({
      status: 'broken-link',
      expectedPrevious: storedHash(chained[0].metadata),
      storedPrevious: storedHash(chained[1].metadata),
    });
  });

  it('stays valid through the store, whatever global positions the events get', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chain-'));
    const first = new SqliteEventStore({ file: join(dir, 'a.db') });
    const second = new SqliteEventStore({ file: join(dir, 'b.db') });
    try {
      await second.append(
        'other',
        [
          { type: 'Noise', data: {} },
          { type: 'Noise', data: {} },
        ],
        'no_stream',
      );
      for (const store of [first, second])
        await store.append('ledger-T1', chainEvents('ledger-T1', 0, null, events()).events, 'no_stream');
      const read = async (store: SqliteEventStore) => {
        const result = await store.readStream('ledger-T1');
        return result.status === 'found' ? result.events : [];
      };
      const [a, b] = [await read(first), await read(second)];
      expect(a.map((e) => e.position)).not.toEqual(b.map((e) => e.position));
      expect(a.map((e) => e.metadata.hash)).toEqual(b.map((e) => e.metadata.hash));
      let previous: string | null = null;
      for (const event of a) {
        expect(checkLink(event, previous)).toEqual({ status: 'valid' });
        previous = storedHash(event.metadata);
      }
    } finally {
      await first.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the chain builder (chainDecisions) keeps the stored meaning of hashes and ids', () => {
  const envelope = {
    commandId: '0b5c2a6e-3f4d-4e8a-9c1b-2d3e4f5a6b7c',
    correlationId: 'corr',
    actor: 'svc',
    tenant: 'T1',
    idempotency: { key: 'k-1', fingerprint: 'f'.repeat(64) },
  };
  const decisions = [
    { commandIndex: 0, commandId: envelope.commandId, hash: 'h'.repeat(64), events: events(), summary: { n: 'ü' } },
  ];
  const built = () =>
    chainDecisions({
      stream: 'ledger-T1',
      firstRevision: 4,
      previousHash: 'p'.repeat(64),
      decisions,
      envelopeOf: () => envelope,
      versionOf: (type) => (type === 'UserDeactivated' ? 2 : 1),
    });

  it('hashes SHA-256 over the canonical JSON as createHash did, and derives ids as uuid v5 of "<command>:<index>"', () => {
    const [first] = built().events;
    const { hash, previousHash, ...metadata } = first.metadata;
    const text = canonicalJson({
      stream: 'ledger-T1',
      revision: 4,
      id: first.id,
      type: first.type,
      data: first.data,
      metadata,
      previousHash,
    });
    expect(hash).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    // Pinned (uuid's own v5 of the string name): the id every stored event of this command id carries.
    expect(eventIdOf(envelope.commandId, 0)).toBe('f0481080-7b7e-5391-b284-08e381b51bb9');
  });

  it("derives name-based ids byte for byte as uuid's v5 does", () => {
    const namespace = '1b0e3d8c-5f7a-4c41-9a57-2f6d3c1e8b90';
    // Long names too (past the scratch buffer the name is written into).
    const names = ['', 'a', `${envelope.commandId}|metering-T1-2026-05`, 'ünïcødé 😀', 'x'.repeat(300)];
    names.push('€'.repeat(1400), 'y'.repeat(5000), 'z'.repeat(4080));
    for (let i = 0; i < 50; i++) names.push(`${randomUUID()}:${i}`);
    for (const name of names) expect(nameBasedId(name, parseUuid(namespace))).toBe(uuidV5(name, namespace));
    // uuid refuses lone surrogates; the bytes are those of the implementation the scratch buffer replaced.
    const before = (name: string, space: Uint8Array) => {
      const bytes = createHash('sha1')
        .update(Buffer.concat([space, Buffer.from(name, 'utf8')]))
        .digest();
      bytes[6] = (bytes[6] & 0x0f) | 0x50;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      const hex = bytes.toString('hex', 0, 16);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    };
    for (const name of ['\ud800', 'a\udfffb', `${'\ud83d'.repeat(1500)}x`])
      expect(nameBasedId(name, parseUuid(namespace))).toBe(before(name, parseUuid(namespace)));
  });

  it('builds what chainEvent builds from the metadata spelled out, key order included', () => {
    const appendEnd = 6;
    let previous: string | null = 'p'.repeat(64);
    const expected = events().map((event, index) => {
      const chained = chainEvent('ledger-T1', 4 + index, previous, {
        id: eventIdOf(envelope.commandId, index),
        type: event.type,
        data: event.data,
        metadata: {
          result: { n: 'ü' },
          correlationId: 'corr',
          causationId: envelope.commandId,
          actor: 'svc',
          tenant: 'T1',
          commandId: envelope.commandId,
          commandHash: 'h'.repeat(64),
          idempotencyKey: 'k-1',
          requestHash: 'f'.repeat(64),
          ...(event.type === 'UserDeactivated' ? { schemaVersion: 2 } : {}),
          appendEnd,
        },
      });
      previous = storedHash(chained.metadata);
      return chained;
    });
    const { events: chained, lastHash } = built();
    expect(JSON.stringify(chained)).toBe(JSON.stringify(expected));
    expect(lastHash).toBe(previous);
  });
});
