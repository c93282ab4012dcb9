import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DeciderRunner } from '@app/application';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { notes } from '../../../libs/audit/test/audit-fixtures';
import { Issuer, makeIssuer, packageDescription } from '../../../test/support/signed-packages';
import { requestSender, startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';

const TENANT = 'Cust1';
const OTHER = 'Cust12';
const base = (tenant = TENANT) => `/v1/tenants/${tenant}`;

interface Item {
  position: string;
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

describe('Audit API', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;

  beforeAll(() => (issuer = makeIssuer()));
  beforeEach(async () => {
    // The backend's own notices would add events of their own, moments later; system-events suites cover them.
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile, LICENSING_PROCESS_MANAGERS_IN_API: 'false' });
    app = await startTestApp(config);
  });
  afterEach(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const send = requestSender(() => app);
  const activate = async (tenant: string, sequence = 1) => {
    const response = await send(
      'POST',
      `${base(tenant)}/license-packages`,
      issuer.sign(packageDescription(tenant, { sequence })),
    );
    expect(response.statusCode).toBe(201);
    return response.json() as { packageId: string; position: string };
  };
  const assign = async (tenant: string, userId: string, module: string) => {
    const response = await send('POST', `${base(tenant)}/users/${userId}/licenses`, { module });
    expect(response.statusCode).toBe(201);
    return response.json() as { position: string };
  };
  /** Another stream kind of the tenant, written through DeciderRunner as metering and system events are. */
  const note = (stream: string, tenant: string) =>
    new DeciderRunner(app.get<EventStore>(EVENT_STORE), notes).run(
      stream,
      { type: 'Note', data: { note: stream } },
      { commandId: randomUUID(), correlationId: 'c', actor: 'a', tenant },
      () => undefined,
    );
  const allEvents = async (tenant: string, limit: number) => {
    const items: Item[] = [];
    let url = `${base(tenant)}/events?limit=${limit}`;
    for (;;) {
      const page = await send('GET', url);
      expect(page.statusCode).toBe(200);
      const body = page.json() as { items: Item[]; nextPosition: string | null };
      items.push(...body.items);
      if (body.nextPosition === null) return items;
      expect(body.items).toHaveLength(limit);
      url = `${base(tenant)}/events?limit=${limit}&fromPosition=${body.nextPosition}`;
    }
  };

  it('GET /events pages through every stream of the tenant in global order, and nothing of a tenant whose id begins alike', async () => {
    await activate(TENANT);
    await activate(OTHER);
    await note(`metering-${TENANT}-2026-06`, TENANT);
    await note(`metering-${OTHER}-2026-06`, OTHER);
    await assign(TENANT, 'u1', 'sales-premium');
    await note(`systemevents-${TENANT}`, TENANT);
    await note(`systemevents-${OTHER}`, OTHER);
    await assign(OTHER, 'u1', 'saint');

    const items = await allEvents(TENANT, 2);
    expect(items.map((e) => e.stream)).toEqual([
      `ledger-${TENANT}`,
      `metering-${TENANT}-2026-06`,
      ...Array(4).fill(`ledger-${TENANT}`),
      `systemevents-${TENANT}`,
    ]);
    const positions = items.map((e) => BigInt(e.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(items[0]).toMatchObject({
      revision: 0,
      type: 'LicensePackageActivated',
      id: expect.any(String),
      recordedAt: expect.any(String),
      metadata: {
        tenant: TENANT,
        previousHash: null,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        commandId: expect.any(String),
      },
    });
    expect(await allEvents(TENANT, 1000)).toEqual(items);
    expect(
      (await allEvents(OTHER, 3)).every((e) => e.stream.endsWith(OTHER) || e.stream === `metering-${OTHER}-2026-06`),
    ).toBe(true);

    const unknown = await send('GET', `${base('Nobody')}/events`);
    expect(unknown.json()).toEqual({ items: [], nextPosition: null });
  });

  it('GET /licenses?asOf replays the list as it stood, in the live shape, by the time the events carry', async () => {
    await activate(TENANT);
    await assign(TENANT, 'u1', 'sales-premium');
    const last = await assign(TENANT, 'u2', 'saint');
    const [activation, , , , , saint] = await allEvents(TENANT, 100);
    const activatedAt = activation.data.activatedAt as string;
    const saintAt = saint.data.at as string;

    const live = await send('GET', `${base()}/licenses?minPosition=${last.position}`);
    const now = await send(
      'GET',
      `${base()}/licenses?asOf=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(now.statusCode).toBe(200);
    expect(now.json()).toEqual(live.json());

    const inUse = (body: { owners: Array<{ licenses: Array<{ module: string; inUse: number }> }> }, module: string) =>
      body.owners[0].licenses.find((l) => l.module === module)!.inUse;
    const atActivation = (await send('GET', `${base()}/licenses?asOf=${activatedAt}`)).json();
    expect([inUse(atActivation, 'sales-premium'), inUse(atActivation, 'saint')]).toEqual([0, 0]);
    const beforeSaint = (
      await send('GET', `${base()}/licenses?asOf=${new Date(Date.parse(saintAt) - 1).toISOString()}`)
    ).json();
    expect([inUse(beforeSaint, 'sales-premium'), inUse(beforeSaint, 'saint')]).toEqual([1, 0]);

    const before = await send('GET', `${base()}/licenses?asOf=${new Date(Date.parse(activatedAt) - 1).toISOString()}`);
    expect(before.statusCode).toBe(404);
    expect(before.json()).toMatchObject({ type: '/problems/unknown-tenant' });
  });

  it.each([
    ['fromPosition', `${base()}/events?fromPosition=-1`],
    ['limit', `${base()}/events?limit=0`],
    ['limit', `${base()}/events?limit=1001`],
    ['asOf', `${base()}/licenses?asOf=2026-06-01`],
    ['asOf', `${base()}/licenses?asOf=2026-06-01T12:00:00`],
    ['asOf', `${base()}/licenses?asOf=2026-02-30T12:00:00Z`],
    ['asOf', `${base()}/licenses?asOf=yesterday`],
  ])('refuses a bad %s with problem+json: %s', async (field, url) => {
    const response = await send('GET', url);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: '/problems/bad-request', errors: [{ field }] });
  });

  it('GET /audit/verify finds the history intact, then detects and locates an event altered in the SQLite file', async () => {
    const first = await activate(TENANT);
    await assign(TENANT, 'u1', 'sales-premium');
    await assign(TENANT, 'u2', 'saint');
    const second = await activate(TENANT, 2);
    await note(`metering-${TENANT}-2026-06`, TENANT);
    await activate(OTHER);

    const intact = await send('GET', `${base()}/audit/verify`);
    expect(intact.statusCode).toBe(200);
    expect(intact.json()).toMatchObject({
      ok: true,
      checkedEvents: 8,
      problems: [],
      packages: [
        { packageId: first.packageId, signatureValid: true, chainValid: true },
        { packageId: second.packageId, signatureValid: true, chainValid: true },
      ],
    });

    const victim = (await allEvents(TENANT, 100)).find(
      (e) => e.type === 'LicenseAssigned' && e.data.module === 'saint',
    )!;
    const db = new Database(config.eventStore.sqlite.file);
    try {
      db.prepare("UPDATE events SET data = json_set(data, '$.userId', 'mallory') WHERE position = ?").run(
        Number(victim.position),
      );
    } finally {
      db.close();
    }
    const tampered = (await send('GET', `${base()}/audit/verify`)).json();
    expect(tampered).toMatchObject({
      ok: false,
      checkedEvents: 8,
      problems: [
        {
          kind: 'hash-mismatch',
          stream: `ledger-${TENANT}`,
          revision: victim.revision,
          position: victim.position,
          eventId: victim.id,
        },
      ],
      packages: [
        { packageId: first.packageId, signatureValid: true, chainValid: true },
        { packageId: second.packageId, signatureValid: true, chainValid: false },
      ],
    });
    expect(tampered.problems).toHaveLength(1);
    // The other tenant's history is untouched.
    expect((await send('GET', `${base(OTHER)}/audit/verify`)).json()).toMatchObject({ ok: true, checkedEvents: 1 });
  });

  it('GET /audit/verify answers 404 for a tenant without events', async () => {
    const response = await send('GET', `${base('Nobody')}/audit/verify`);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ type: '/problems/unknown-tenant' });
  });
});
