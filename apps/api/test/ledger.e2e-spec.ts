import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import type { LicensePackage } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Issuer, makeIssuer, packageDescription, unsignedRow } from '../../../test/support/signed-packages';
import { Method, requestSender, startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';
import { checkedFetch } from '../../../test/support/checked-fetch';
import { authHeaders } from '../../../test/support/test-credentials';

const TENANT = 'Cust12345';
const base = `/v1/tenants/${TENANT}`;

describe('License ledger over HTTP', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;
  let store: EventStore;

  beforeAll(() => (issuer = makeIssuer()));

  beforeEach(async () => {
    // The ledger's own writes are asserted store-wide: the asynchronous notices of package activations stay off here.
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile, LICENSING_PROCESS_MANAGERS_IN_API: 'false' });
    app = await startTestApp(config);
    store = app.get(EVENT_STORE);
  });

  afterEach(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const send = requestSender(() => app);
  const activate = (pkg: LicensePackage, headers?: Record<string, string>) =>
    send('POST', `${base}/license-packages`, pkg, headers);
  const assign = (userId: string, module: string, headers?: Record<string, string>) =>
    send('POST', `${base}/users/${userId}/licenses`, { module }, headers);
  const eventTypes = async () => (await store.readAll()).map((e) => e.type);

  describe('license packages', () => {
    it('activates a signed package and answers its id and position', async () => {
      const pkg = issuer.sign(packageDescription(TENANT));
      const response = await activate(pkg);
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({ packageId: pkg.packageId, position: String(await store.headPosition()) });
      expect(await eventTypes()).toEqual(['LicensePackageActivated']);
    });

    it('rejects a tampered package with 422 package-rejected, and records the rejection', async () => {
      const pkg = issuer.sign(packageDescription(TENANT));
      pkg.modules[5].number = 500;
      const response = await activate(pkg);
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = response.json();
      expect(problem).toMatchObject({
        type: '/problems/package-rejected',
        packageId: pkg.packageId,
        position: expect.any(String),
      });
      expect(problem.reasons.map((r: { code: string }) => r.code)).toEqual([
        'package-signature-invalid',
        'row-signature-invalid',
      ]);
      expect(await eventTypes()).toEqual(['LicensePackageRejected']);
    });

    it('rejects a package from an untrusted root', async () => {
      const stranger = makeIssuer();
      const response = await activate(stranger.sign(packageDescription(TENANT)));
      expect(response.statusCode).toBe(422);
      expect(response.json().reasons.map((r: { code: string }) => r.code)).toEqual(['owner-not-trusted']);
    });

    it('trusts several roots at once (key rotation): packages chained to either are activated', async () => {
      const rotated = makeIssuer();
      await app.close();
      rmSync(config.dataDir, { recursive: true, force: true });
      config = testConfig({ LICENSING_TRUSTED_ROOTS: `${issuer.rootFile},${rotated.rootFile}` });
      app = await startTestApp(config);
      expect(
        (await send('POST', '/v1/tenants/Old/license-packages', issuer.sign(packageDescription('Old')))).statusCode,
      ).toBe(201);
      expect(
        (await send('POST', '/v1/tenants/New/license-packages', rotated.sign(packageDescription('New')))).statusCode,
      ).toBe(201);
      expect(
        (await send('POST', '/v1/tenants/Other/license-packages', makeIssuer().sign(packageDescription('Other'))))
          .statusCode,
      ).toBe(422);
    });

    it('validates without writing: only the changed licenses, and why the package cannot be activated', async () => {
      await activate(issuer.sign(packageDescription(TENANT)));
      for (const user of ['u1', 'u2', 'u3']) expect((await assign(user, 'saint')).statusCode).toBe(201);
      const head = await store.headPosition();
      const lower = packageDescription(TENANT, { sequence: 2 });
      lower.modules = lower.modules.map((row) => (row.name === 'saint' ? { ...row, number: 2 } : row));
      const response = await send('POST', `${base}/license-packages/validate`, issuer.sign(lower));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        canBeActivated: false,
        reasons: [
          expect.objectContaining({
            code: 'number-below-in-use',
            licenses: [{ module: 'saint', inUse: 3, newNumber: 2, mustRemove: 1, holders: ['u1', 'u2', 'u3'] }],
          }),
        ],
        changes: [
          { module: 'saint', current: 5, new: 2, inUse: 3, free: 2, newFree: -1, mustRemove: 1, unrestricted: false },
        ],
      });
      expect(await store.headPosition()).toBe(head);
    });
  });

  describe('assignments', () => {
    beforeEach(async () => {
      expect((await activate(issuer.sign(packageDescription(TENANT)))).statusCode).toBe(201);
    });

    it('assigning a plan brings its set; switching plans releases the old ones in one step', async () => {
      const first = await assign('u1', 'sales-premium');
      expect(first.statusCode).toBe(201);
      expect(first.json()).toEqual({
        assigned: ['chat-cal', 'sales-premium', 'user', 'web'],
        released: [],
        position: expect.any(String),
      });
      const switched = await assign('u1', 'sales-essential');
      expect(switched.json()).toMatchObject({ assigned: ['sales-essential'], released: ['chat-cal', 'sales-premium'] });
      expect(BigInt(switched.json().position)).toBe(await store.headPosition());
    });

    it('unassigns, and answers 404 for a license the user does not hold', async () => {
      await assign('u1', 'saint');
      const released = await send('DELETE', `${base}/users/u1/licenses/saint`);
      expect(released.statusCode).toBe(200);
      expect(released.json()).toMatchObject({ released: ['saint'] });
      const again = await send('DELETE', `${base}/users/u1/licenses/saint`);
      expect(again.statusCode).toBe(404);
      expect(again.json()).toMatchObject({ type: '/problems/not-held', module: 'saint' });
    });

    it('deactivation releases everything; a deactivated user gets nothing; reactivation restores that', async () => {
      await assign('u1', 'sales-premium');
      await assign('u1', 'saint');
      const deactivated = await send('POST', `${base}/users/u1/deactivate`);
      expect(deactivated.statusCode).toBe(200);
      expect(deactivated.json().released).toEqual(['chat-cal', 'saint', 'sales-premium', 'user', 'web']);
      const refused = await assign('u1', 'saint');
      expect(refused.statusCode).toBe(422);
      expect(refused.json().type).toBe('/problems/user-inactive');
      expect((await send('POST', `${base}/users/u1/reactivate`)).statusCode).toBe(200);
      expect((await assign('u1', 'saint')).statusCode).toBe(201);
    });

    it.each([
      ['an unknown module', 'ghost', 422, 'unknown-module'],
      ['a system license', 'chat', 422, 'not-a-user-license'],
      ['a license without its prerequisite', 'web', 422, 'prerequisite-missing'],
    ])('refuses %s with problem+json and writes nothing', async (_, module, status, type) => {
      const head = await store.headPosition();
      const response = await assign('u1', module);
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ type: `/problems/${type}`, status });
      expect(await store.headPosition()).toBe(head);
    });

    it('a retry with the same Idempotency-Key answers the first result and writes nothing', async () => {
      const key = randomUUID();
      const first = await assign('u1', 'saint', { 'idempotency-key': key });
      const head = await store.headPosition();
      const again = await assign('u1', 'saint', { 'idempotency-key': key });
      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(first.json());
      expect(await store.headPosition()).toBe(head);
      const reused = await assign('u2', 'saint', { 'idempotency-key': key });
      expect(reused.statusCode).toBe(422);
      expect(reused.json().type).toBe('/problems/idempotency-key-reused');
    });
  });

  describe('bad input is refused with problem+json and writes nothing', () => {
    beforeEach(async () => {
      expect((await activate(issuer.sign(packageDescription(TENANT)))).statusCode).toBe(201);
    });

    const signedPackage = () =>
      issuer.sign(packageDescription(TENANT, { sequence: 2 })) as unknown as Record<string, unknown>;
    it.each<
      [string, () => { method: Method; url: string; body?: unknown; headers?: Record<string, string> }, number, string]
    >([
      [
        'malformed JSON',
        () => ({ method: 'POST', url: `${base}/users/u1/licenses`, body: '{"module": "saint"' }),
        400,
        'malformed-json',
      ],
      [
        'a wrong type',
        () => ({ method: 'POST', url: `${base}/users/u1/licenses`, body: { module: 42 } }),
        400,
        'invalid-request',
      ],
      [
        'a missing field',
        () => ({ method: 'POST', url: `${base}/users/u1/licenses`, body: {} }),
        400,
        'invalid-request',
      ],
      [
        'an unknown field',
        () => ({ method: 'POST', url: `${base}/users/u1/licenses`, body: { module: 'saint', seats: 3 } }),
        400,
        'invalid-request',
      ],
      [
        'an array body',
        () => ({ method: 'POST', url: `${base}/users/u1/licenses`, body: [{ module: 'saint' }] }),
        400,
        'invalid-request',
      ],
      [
        'a bad user id',
        () => ({
          method: 'POST',
          url: `${base}/users/${encodeURIComponent('a b')}/licenses`,
          body: { module: 'saint' },
        }),
        400,
        'bad-request',
      ],
      [
        'a bad tenant id',
        () => ({
          method: 'POST',
          url: `/v1/tenants/${encodeURIComponent('x;y')}/users/u1/licenses`,
          body: { module: 'saint' },
        }),
        400,
        'bad-request',
      ],
      [
        'an unknown tenant',
        () => ({ method: 'POST', url: `/v1/tenants/Nobody/users/u1/licenses`, body: { module: 'saint' } }),
        404,
        'unknown-tenant',
      ],
      [
        'an unknown module',
        () => ({ method: 'POST', url: `${base}/users/u1/licenses`, body: { module: 'ghost' } }),
        422,
        'unknown-module',
      ],
      [
        'a bad Idempotency-Key',
        () => ({
          method: 'POST',
          url: `${base}/users/u1/licenses`,
          body: { module: 'saint' },
          headers: { 'idempotency-key': 'again' },
        }),
        400,
        'bad-request',
      ],
      [
        'a package missing its modules',
        () => ({ method: 'POST', url: `${base}/license-packages`, body: { ...signedPackage(), modules: undefined } }),
        400,
        'invalid-request',
      ],
      [
        'a package with a wrong row type',
        () => {
          const pkg = signedPackage();
          (pkg.modules as Array<Record<string, unknown>>)[0].number = '50';
          return { method: 'POST', url: `${base}/license-packages`, body: pkg };
        },
        400,
        'invalid-request',
      ],
      [
        'a package with an unknown field',
        () => ({ method: 'POST', url: `${base}/license-packages`, body: { ...signedPackage(), extra: 1 } }),
        400,
        'invalid-request',
      ],
      [
        'a package of another format',
        () => ({
          method: 'POST',
          url: `${base}/license-packages`,
          body: { ...signedPackage(), format: 'license-package/v0' },
        }),
        400,
        'invalid-request',
      ],
      [
        'a package body that is not JSON',
        () => ({
          method: 'POST',
          url: `${base}/license-packages`,
          body: 'PK\u0003\u0004',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'malformed-json',
      ],
    ])('%s', async (_, request, status, type) => {
      const head = await store.headPosition();
      const { method, url, body, headers } = request();
      const response = await send(method, url, body, headers);
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ type: `/problems/${type}`, status, detail: expect.any(String) });
      expect(await store.headPosition()).toBe(head);
    });

    it('names each bad field', async () => {
      const pkg = signedPackage();
      (pkg.modules as Array<Record<string, unknown>>)[2].type = 7;
      (pkg.licensee as Record<string, unknown>).serialNumber = '';
      const response = await send('POST', `${base}/license-packages`, pkg);
      expect(
        response
          .json()
          .errors.map((e: { field: string }) => e.field)
          .sort(),
      ).toEqual(['licensee.serialNumber', 'modules.2.type']);
    });
  });

  describe('caps under concurrency (real port)', () => {
    it('100 concurrent assignments of a license with 10 free seats: exactly 10 succeed, 90 get cap-exceeded', async () => {
      const description = packageDescription(TENANT, { sequence: 1, modules: [unsignedRow('desk', { number: 10 })] });
      expect((await activate(issuer.sign(description))).statusCode).toBe(201);
      await app.listen(0, '127.0.0.1');
      const url = await app.getUrl();
      const before = await store.headPosition();
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          checkedFetch(url)(`${url}${base}/users/user${i}/licenses`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...authHeaders() },
            body: JSON.stringify({ module: 'desk' }),
          }).then(async (r) => ({ status: r.status, body: await r.json() })),
        ),
      );
      const created = responses.filter((r) => r.status === 201);
      const refused = responses.filter((r) => r.status === 409);
      expect(created).toHaveLength(10);
      expect(refused).toHaveLength(90);
      for (const r of refused)
        expect(r.body).toMatchObject({ type: '/problems/cap-exceeded', module: 'desk', number: 10, inUse: 10 });
      const written = await store.readAll({ afterPosition: before ?? undefined });
      expect(written.map((e) => e.type)).toEqual(Array(10).fill('LicenseAssigned'));
      expect(new Set(written.map((e) => e.data.userId)).size).toBe(10);
    });
  });
});
