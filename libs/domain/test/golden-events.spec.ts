import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fold } from '../src/shared/decider';
import { EventDecodingError, eventCodec, SCHEMA_VERSION_FIELD, StoredEvent } from '../src/shared/event-codec';
import { decodeLedgerEvent, ledgerEventCodec } from '../src/ledger/ledger.codec';
import { ledger } from '../src/ledger/ledger.decider';
import { holdersView, licenseListView, statusView, userLicensesView } from '../src/ledger/ledger.views';
import { decodeMeteringEvent, meteringEventCodec } from '../src/metering/metering.codec';
import { metering } from '../src/metering/metering.decider';
import { decodeSystemEventsEvent, systemEventsEventCodec } from '../src/system-events/system-events.codec';
import { systemEvents } from '../src/system-events/system-events.decider';

/**
 * Golden events: one stream per domain, every event type as the backend stored it on 2026-11-29 (files
 * `NN-<Type>.v<version>.json`, NN the revision). They are history: never edit or regenerate one. A shape change is a
 * new version with an upcaster, and these files must keep decoding to the same state.
 */
const GOLDEN = join(__dirname, 'golden-events');
const goldenStream = (domain: string): StoredEvent[] =>
  readdirSync(join(GOLDEN, domain))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(GOLDEN, domain, file), 'utf8')) as StoredEvent);

describe('golden events', () => {
  describe.each([
    ['ledger', ledgerEventCodec.eventTypes],
    ['metering', meteringEventCodec.eventTypes],
    ['system-events', systemEventsEventCodec.eventTypes],
  ])('%s', (domain, eventTypes) => {
    it('keeps a fixture of every event type, in version 1', () => {
      const stored = goldenStream(domain);
      expect(new Set(stored.map((event) => event.type))).toEqual(new Set(eventTypes));
      expect(stored.map((event) => event.revision)).toEqual(stored.map((_, index) => index));
      expect(stored.every((event) => event.metadata?.[SCHEMA_VERSION_FIELD] === undefined)).toBe(true);
    });
  });

  it('ledger: decodes each event as it was stored and folds them to the known state', () => {
    const stored = goldenStream('ledger');
    const events = stored.map(decodeLedgerEvent);
    events.forEach((event, index) => expect(event).toEqual({ type: stored[index].type, data: stored[index].data }));
    const state = fold(ledger, events);
    expect(state.status).toBe('active');
    expect(licenseListView(state).owners.map((owner) => [owner.name, owner.companyName, owner.expiration])).toEqual([
      ['SUPEROFFICE', 'Acme', '2027-12-31T00:00:00.000Z'],
    ]);
    expect(holdersView(state, 'SUPEROFFICE', 'saint')).toEqual({ module: 'saint', holders: ['u2'] });
    expect(userLicensesView(state, 'u1')).toEqual({ userId: 'u1', active: true, plan: null, modules: [] });
    expect(userLicensesView(state, 'u2')).toEqual({ userId: 'u2', active: true, plan: null, modules: ['saint'] });
    expect(statusView(state).database).toEqual({
      owner: 'SUPEROFFICE',
      serialNumber: '1234567890',
      databaseType: 'Online',
      nextExpiry: '2027-12-31T00:00:00.000Z',
    });
  });

  it('metering: decodes each event as it was stored and folds them to the known state', () => {
    const stored = goldenStream('metering');
    const events = stored.map(decodeMeteringEvent);
    events.forEach((event, index) => expect(event).toEqual({ type: stored[index].type, data: stored[index].data }));
    const state = fold(metering, events);
    // The usage ids are a compact hash set (no enumeration): exactly these three.
    expect(state.usageIds.size).toBe(3);
    for (const id of ['late-1', 'u-1', 'u-2']) expect(state.usageIds.has(id)).toBe(true);
    expect(state).toMatchObject({
      users: 2,
      totals: { 'chat-sessions': 120, storage: 4 },
      exceeded: { 'chat-sessions': true },
      adjustments: { '2026-09': { 'mailing-emails': { total: 300, threshold: 1200, overage: 200, accounted: 1400 } } },
      closed: { users: 2, closedAt: '2026-11-01T02:00:00.000Z' },
    });
    expect(state.closed?.lines.find((line) => line.service === 'chat-sessions' && line.adjusts === undefined)).toEqual({
      service: 'chat-sessions',
      unit: 'sessions',
      total: 120,
      threshold: 110,
      overage: 10,
    });
  });

  it('system events: decodes each event as it was stored and folds them to the known state', () => {
    const stored = goldenStream('system-events');
    const events = stored.map(decodeSystemEventsEvent);
    events.forEach((event, index) => expect(event).toEqual({ type: stored[index].type, data: stored[index].data }));
    const state = fold(systemEvents, events);
    expect(state.started).toBe(2);
    expect(Object.values(state.live)).toEqual([
      expect.objectContaining({
        eventKey: 'LicensePackageActivated',
        scope: 2,
        owner: null,
        status: 'completed',
        sequence: 2,
      }),
    ]);
  });
});

describe('decoding refuses what it does not know, naming the stream and revision', () => {
  const [activated] = goldenStream('ledger');

  it('an unknown event type', () => {
    expect(() => decodeLedgerEvent({ ...activated, type: 'LicenseStolen' })).toThrow(
      new EventDecodingError('ledger-Cust12345', 0, 'LicenseStolen', 'is not an event type of this stream'),
    );
  });

  it('a known type in an unknown shape', () => {
    const [assigned] = goldenStream('ledger').filter((event) => event.type === 'LicenseAssigned');
    const broken = { ...assigned, data: { ...(assigned.data as object), source: 'stolen', at: 42 } };
    expect(() => decodeLedgerEvent(broken)).toThrow(
      /^ledger-Cust12345@2: LicenseAssigned without \{owner, module, userId, source, plan, isPlan, at\} in the expected shape: source: .*; at: /,
    );
  });

  it('a schema version newer than the code, or not a version at all', () => {
    for (const version of [2, 0, '1']) {
      expect(() =>
        decodeLedgerEvent({ ...activated, metadata: { ...activated.metadata, [SCHEMA_VERSION_FIELD]: version } }),
      ).toThrow(`ledger-Cust12345@0: LicensePackageActivated has schema version ${version}; this code reads 1 to 1`);
    }
  });
});

describe('upcasting: a made-up version 2 of UserDeactivated', () => {
  // Version 2 (invented for this test) says why a user was deactivated and renames `at` to `deactivatedAt`.
  type UserDeactivatedV2 = {
    type: 'UserDeactivated';
    data: { userId: string; deactivatedAt: string; reason: 'scim' | 'admin' | 'unknown' };
  };
  const codec = eventCodec<UserDeactivatedV2>({
    UserDeactivated: {
      schema: z.object({ userId: z.string(), deactivatedAt: z.string(), reason: z.enum(['scim', 'admin', 'unknown']) }),
      upcasters: [
        (data) => {
          const { userId, at } = z.object({ userId: z.string(), at: z.string() }).parse(data);
          return { userId, deactivatedAt: at, reason: 'unknown' };
        },
      ],
    },
  });
  const v1 = goldenStream('ledger').find((event) => event.type === 'UserDeactivated')!;

  it('is written as version 2 from now on', () => expect(codec.currentVersion('UserDeactivated')).toBe(2));

  it('reads the stored version 1 through the upcaster, history untouched', () => {
    const before = JSON.stringify(v1);
    expect(codec.decode(v1)).toEqual({
      type: 'UserDeactivated',
      data: { userId: 'u2', deactivatedAt: '2026-06-02T09:05:00.000Z', reason: 'unknown' },
    });
    expect(JSON.stringify(v1)).toBe(before);
  });

  it('reads a stored version 2 as it is', () => {
    const v2 = {
      ...v1,
      data: { userId: 'u2', deactivatedAt: '2026-06-02T09:05:00.000Z', reason: 'scim' },
      metadata: { ...v1.metadata, [SCHEMA_VERSION_FIELD]: 2 },
    };
    expect(codec.decode(v2).data).toEqual({ userId: 'u2', deactivatedAt: '2026-06-02T09:05:00.000Z', reason: 'scim' });
  });

  it('refuses a version 2 stored in the version 1 shape', () => {
    const mislabelled = { ...v1, metadata: { ...v1.metadata, [SCHEMA_VERSION_FIELD]: 2 } };
    expect(() => codec.decode(mislabelled)).toThrow(
      /^ledger-Cust12345@3: UserDeactivated without \{userId, deactivatedAt, reason\}/,
    );
  });
});
