import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import type { LicensePackage, ModuleRow } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { createApp } from '../src/create-app';
import { Issuer, makeIssuer, packageDescription } from '../../../test/support/signed-packages';
import { testConfig } from '../../../test/support/test-config';
import { seededRandom, SeededRandom } from '../../../test/support/seeded-random';
import { checkedInject, withCredential } from '../../../test/support/test-app';

const TENANT = 'Cust12345';
const MUTATIONS = 1000;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Changes one base64 character that carries whole bits of the signature (not the padding-adjacent tail). */
function flipSignatureByte(signature: string, rng: SeededRandom): string {
  const index = rng.int(signature.length - 4);
  const current = signature[index];
  let replacement = current;
  while (replacement === current) replacement = rng.pick(BASE64.split(''));
  return signature.slice(0, index) + replacement + signature.slice(index + 1);
}

const ROW_FIELD_CHANGES: Array<(row: ModuleRow, rng: SeededRandom) => void> = [
  (row) => (row.description = `${row.description} (extended)`),
  (row) => (row.tooltip = 'free for everyone'),
  (row) => (row.version = '99'),
  (row) => (row.hidden = !row.hidden),
  (row) => (row.unrestricted = !row.unrestricted),
  (row) => (row.sortOrder = row.sortOrder + 1),
  (row) => (row.type = row.type === 3 ? 1 : 3),
  (row) => (row.extraInfo = 'set=user,web,chat-cal,saint'),
  (row, rng) => (row.number = row.number + 1 + rng.int(1000)),
];

interface Mutation {
  kind: string;
  expect: string;
  apply(pkg: LicensePackage, rng: SeededRandom): void;
}

describe('random mutations of a signed package are all rejected (over HTTP)', () => {
  let issuer: Issuer;
  let otherLicensee: LicensePackage;
  let otherOwner: LicensePackage;
  let config: AppConfig;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    issuer = makeIssuer();
    otherLicensee = issuer.sign(
      packageDescription(TENANT, {
        licensee: { companyName: 'Other Corp', serialNumber: '9999999999', databaseType: 'Online' },
      }),
    );
    const partner = makeIssuer('PARTNER');
    otherOwner = partner.sign(packageDescription(TENANT, { owner: { name: 'PARTNER', description: 'Partner' } }));
    // The rejections are asserted store-wide: the asynchronous notices they raise stay off here.
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile, LICENSING_PROCESS_MANAGERS_IN_API: 'false' });
    app = await createApp(config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const mutations: Mutation[] = [
    {
      kind: 'a byte of the package signature',
      expect: 'package-signature-invalid',
      apply: (pkg, rng) => (pkg.signature = flipSignatureByte(pkg.signature, rng)),
    },
    {
      kind: 'a byte of a row signature',
      expect: 'row-signature-invalid',
      apply: (pkg, rng) => {
        const row = rng.pick(pkg.modules);
        row.signature = flipSignatureByte(row.signature, rng);
      },
    },
    {
      kind: 'a field of a row',
      expect: 'row-signature-invalid',
      apply: (pkg, rng) => rng.pick(ROW_FIELD_CHANGES)(rng.pick(pkg.modules), rng),
    },
    {
      kind: 'a number raised',
      expect: 'row-signature-invalid',
      apply: (pkg, rng) => (rng.pick(pkg.modules).number += 1 + rng.int(10_000)),
    },
    {
      kind: 'a row moved from a package of another licensee',
      expect: 'row-signature-invalid',
      apply: (pkg, rng) => {
        const index = rng.int(pkg.modules.length);
        pkg.modules[index] = structuredClone(
          otherLicensee.modules.find((row) => row.name === pkg.modules[index].name)!,
        );
      },
    },
    {
      kind: 'a row moved from a package of another owner',
      expect: 'row-signature-invalid',
      apply: (pkg, rng) => {
        const index = rng.int(pkg.modules.length);
        pkg.modules[index] = structuredClone(otherOwner.modules.find((row) => row.name === pkg.modules[index].name)!);
      },
    },
    {
      kind: 'a row dropped',
      expect: 'package-signature-invalid',
      apply: (pkg, rng) => void pkg.modules.splice(rng.int(pkg.modules.length), 1),
    },
    {
      kind: 'a package field changed',
      expect: 'package-signature-invalid',
      apply: (pkg, rng) =>
        rng.pick<() => void>([
          () => (pkg.sequence += 1),
          () => (pkg.licensee.companyName = 'Somebody Else'),
          () => (pkg.dates.graceTo = '2099-01-01T00:00:00.000Z'),
          () => (pkg.owner.description = 'Not SuperOffice'),
        ])(),
    },
  ];

  it(`rejects every one of ${MUTATIONS} mutations, each for the reason its mutation implies, and records each rejection`, async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    const seed = Number(process.env.MUTATION_SEED ?? 20261122);
    const rng = seededRandom(seed);
    const accepted: string[] = [];
    const wrongReason: string[] = [];
    const counts: Record<string, number> = {};
    const valid = issuer.sign(packageDescription(TENANT));
    for (let i = 0; i < MUTATIONS; i++) {
      const pkg = structuredClone(valid);
      const mutation = mutations[i % mutations.length];
      mutation.apply(pkg, rng);
      counts[mutation.kind] = (counts[mutation.kind] ?? 0) + 1;
      const response = await checkedInject(app, {
        method: 'POST',
        url: `/v1/tenants/${TENANT}/license-packages`,
        headers: withCredential({ 'content-type': 'application/json' }),
        payload: JSON.stringify(pkg),
      });
      if (response.statusCode !== 422) {
        accepted.push(`#${i} ${mutation.kind}: ${response.statusCode} ${response.body.slice(0, 200)}`);
        continue;
      }
      const codes = (response.json().reasons as Array<{ code: string }>).map((r) => r.code);
      if (!codes.includes(mutation.expect)) wrongReason.push(`#${i} ${mutation.kind}: ${codes.join(',')}`);
    }
    expect(accepted).toEqual([]);
    expect(wrongReason).toEqual([]);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(MUTATIONS);
    const types = (await store.readAll()).map((e) => e.type);
    expect(types.filter((t) => t === 'LicensePackageRejected')).toHaveLength(MUTATIONS);
    expect(types).not.toContain('LicensePackageActivated');
  });

  it('the unmutated package is accepted (the mutations, not the fixture, cause the rejections)', async () => {
    const response = await checkedInject(app, {
      method: 'POST',
      url: `/v1/tenants/${TENANT}/license-packages`,
      headers: withCredential({ 'content-type': 'application/json' }),
      payload: JSON.stringify(issuer.sign(packageDescription(TENANT))),
    });
    expect(response.statusCode).toBe(201);
  });
});
