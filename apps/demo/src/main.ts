/**
 * `npm run demo`: the license ledger end to end. Creates a root and an owner certificate, signs a sample package for
 * tenant `demo`, starts the API (embedded store in a throw-away directory) trusting that root, activates the
 * package, assigns the Sales Premium plan, fills the Sales-intelligence seats up to the cap, and shows the refusal.
 * It talks to the API through the typed client (libs/client), as an internal service would.
 * Every call carries an administrator's API key for the tenant: `LICENSING_DEMO_API_KEY` (a secret), else a new one.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey, sha256 } from '@app/access';
import { loadConfig } from '@app/config';
import { buildSignedPackage, createRootCertificate, issueOwnerCertificate } from '@app/signing';
import { LicensingClient, LicensingProblem } from '@licensing/client';
import { createApp } from '../../api/src/create-app';

const TENANT = 'demo';
const row = (name: string, description: string, extra: Record<string, unknown> = {}) => ({
  name,
  description,
  tooltip: '',
  version: '1',
  type: 3 as const,
  number: 10,
  unrestricted: false,
  hidden: false,
  extraFlags: 0 as const,
  extraInfo: '',
  prerequisite: '',
  sortOrder: 0,
  ...extra,
});

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'licensing-demo-'));
  const day = 86_400_000;
  const say = (line = '') => process.stdout.write(`${line}\n`);
  try {
    say('1. The license server creates a root certificate and an owner certificate for SUPEROFFICE');
    const root = createRootCertificate({
      commonName: 'Demo Licensing Root',
      notBefore: new Date(Date.now() - day),
      notAfter: new Date(Date.now() + 3650 * day),
    });
    const owner = issueOwnerCertificate({
      ownerName: 'SUPEROFFICE',
      rootCertificatePem: root.certificatePem,
      rootPrivateKeyPem: root.privateKeyPem,
      notBefore: new Date(Date.now() - day),
      notAfter: new Date(Date.now() + 825 * day),
    });
    writeFileSync(join(dir, 'root.pem'), root.certificatePem);

    say(
      '2. It signs a package for tenant "demo": Sales Premium (set=user,web,chat-cal), user, web, and system licenses',
    );
    const pkg = buildSignedPackage(
      {
        format: 'license-package/v1',
        packageId: randomUUID(),
        sequence: 1,
        issuedAt: new Date().toISOString(),
        tenantId: TENANT,
        owner: { name: 'SUPEROFFICE', description: 'SuperOffice AS' },
        licensee: { companyName: 'Demo Company', serialNumber: '4020000001', databaseType: 'Online' },
        dates: { expiration: null, graceTo: null, maintenanceTo: null, adminWarningDate: null, nextCheckDate: null },
        modules: [
          row('user', 'User', { hidden: true, number: 25 }),
          row('web', 'Web client', { hidden: true, number: 25, prerequisite: 'user' }),
          row('chat-cal', 'Chat user', { hidden: true, number: 25 }),
          row('sales-premium', 'Sales Premium', { extraFlags: 1, extraInfo: 'set=user,web,chat-cal', number: 5 }),
          row('saint', 'Sales intelligence', { number: 2 }),
          row('chat', 'Chat', { type: 1, number: 1 }),
          row('ten-sales', 'Sales tenant', { type: 1, number: 1, hidden: true }),
        ],
      },
      owner.certificatePem,
      owner.privateKeyPem,
    );

    // The API is configured with the key's hash only, as an operator would (npm run cli -- keys create).
    const secret = process.env.LICENSING_DEMO_API_KEY || createApiKey('demo-admin', 'admin', TENANT).secret;
    const keyEntry = `demo-admin:sha256:${sha256(secret).toString('hex')}=admin@${TENANT}`;
    const config = loadConfig({
      ...process.env,
      LICENSING_DATA_DIR: join(dir, 'data'),
      LICENSING_TRUSTED_ROOTS: join(dir, 'root.pem'),
      LICENSING_API_KEYS: keyEntry,
      LICENSING_API_KEYS_FILE: '',
      LOG_LEVEL: 'warn',
    });
    const app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    const baseUrl = await app.getUrl();
    const client = new LicensingClient({ baseUrl, token: secret });
    say(`3. The API runs at ${await app.getUrl()} (embedded store in ${config.dataDir}), trusting that root`);
    say(`   with one API key, configured by its hash: ${keyEntry}`);
    /** Runs one client call and prints its answer, or the problem it was refused with. */
    const call = async <T>(
      label: string,
      run: () => Promise<T>,
    ): Promise<{ ok: true; answer: T } | { ok: false; refusal: LicensingProblem }> => {
      try {
        const answer = await run();
        say(`   ${label} → ${JSON.stringify(answer)}`);
        return { ok: true, answer };
      } catch (error) {
        if (!(error instanceof LicensingProblem)) throw error;
        say(`   ${label} → ${error.status} ${JSON.stringify(error.problem)}`);
        return { ok: false, refusal: error };
      }
    };

    try {
      say();
      say('4. Without the key the API answers 401; then validate (dry run) and activate the package with it');
      await call('validate without a key', () => new LicensingClient({ baseUrl }).validatePackage(TENANT, pkg));
      await call('validate', () => client.validatePackage(TENANT, pkg));
      await call('activate', () => client.activatePackage(TENANT, pkg));
      say();
      say('5. Assign the Sales Premium plan to user 7: the plan brings user, web and chat-cal');
      await call('assign 7 sales-premium', () => client.assign(TENANT, '7', 'sales-premium'));
      say();
      say('6. Sales intelligence (saint) has 2 seats: users 7 and 8 take them, user 9 is refused at the cap');
      await call('assign 7 saint', () => client.assign(TENANT, '7', 'saint'));
      const taken = await call('assign 8 saint', () => client.assign(TENANT, '8', 'saint'));
      const refused = await call('assign 9 saint', () => client.assign(TENANT, '9', 'saint'));
      say();
      say('7. Read your writes: the license list as of the position the last assignment answered');
      const after = taken.ok ? taken.answer.position : undefined;
      const list = await client.licenses(TENANT, { after });
      const saint = list.owners[0]?.licenses.find((license) => license.module === 'saint');
      say(`   licenses (minPosition=${after}) → saint ${JSON.stringify(saint)}`);
      say();
      say(
        '8. A tampered package (saint raised to 100 without a new signature) is rejected, and the rejection recorded',
      );
      const tampered = structuredClone(pkg);
      tampered.sequence = 2;
      tampered.modules.find((m) => m.name === 'saint')!.number = 100;
      await call('activate tampered', () => client.activatePackage(TENANT, tampered));
      say();
      const held = !refused.ok && refused.refusal.code === 'cap-exceeded' && saint?.inUse === 2;
      say(held ? 'Done: the cap held.' : 'Unexpected: the cap did not hold.');
      process.exitCode = held ? 0 : 1;
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
