/**
 * `npm run demo`: the license ledger end to end. Creates a root and an owner certificate, signs a sample package for
 * tenant `demo`, starts the API (embedded store in a throw-away directory) trusting that root, activates the
 * package, assigns the Sales Premium plan, fills the Sales-intelligence seats up to the cap, and shows the refusal.
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
import { createApp } from '../../api/src/create-app';

const TENANT = 'demo';
const row = (name: string, description: string, extra: Record<string, unknown> = {}) => ({
  name, description, tooltip: '', version: '1', type: 3 as const, number: 10, unrestricted: false, hidden: false,
  extraFlags: 0 as const, extraInfo: '', prerequisite: '', sortOrder: 0, ...extra,
});

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'licensing-demo-'));
  const day = 86_400_000;
  const say = (line = '') => process.stdout.write(`${line}\n`);
  try {
    say('1. The license server creates a root certificate and an owner certificate for SUPEROFFICE');
    const root = createRootCertificate({ commonName: 'Demo Licensing Root', notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + 3650 * day) });
    const owner = issueOwnerCertificate({
      ownerName: 'SUPEROFFICE', rootCertificatePem: root.certificatePem, rootPrivateKeyPem: root.privateKeyPem,
      notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + 825 * day),
    });
    writeFileSync(join(dir, 'root.pem'), root.certificatePem);

    say('2. It signs a package for tenant "demo": Sales Premium (set=user,web,chat-cal), user, web, and system licenses');
    const pkg = buildSignedPackage({
      format: 'license-package/v1', packageId: randomUUID(), sequence: 1, issuedAt: new Date().toISOString(), tenantId: TENANT,
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
    }, owner.certificatePem, owner.privateKeyPem);

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
    const base = `${await app.getUrl()}/v1/tenants/${TENANT}`;
    say(`3. The API runs at ${await app.getUrl()} (embedded store in ${config.dataDir}), trusting that root`);
    say(`   with one API key, configured by its hash: ${keyEntry}`);
    const call = async (method: string, path: string, body?: unknown, authorization: string | null = `Bearer ${secret}`) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { ...(authorization === null ? {} : { authorization }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = await response.json();
      say(`   ${method} ${path} → ${response.status} ${JSON.stringify(answer)}`);
      return { status: response.status, answer };
    };

    try {
      say();
      say('4. Without the key the API answers 401; then validate (dry run) and activate the package with it');
      await call('POST', '/license-packages/validate', pkg, null);
      await call('POST', '/license-packages/validate', pkg);
      await call('POST', '/license-packages', pkg);
      say();
      say('5. Assign the Sales Premium plan to user 7: the plan brings user, web and chat-cal');
      await call('POST', '/users/7/licenses', { module: 'sales-premium' });
      say();
      say('6. Sales intelligence (saint) has 2 seats: users 7 and 8 take them, user 9 is refused at the cap');
      await call('POST', '/users/7/licenses', { module: 'saint' });
      await call('POST', '/users/8/licenses', { module: 'saint' });
      const refused = await call('POST', '/users/9/licenses', { module: 'saint' });
      say();
      say('7. A tampered package (saint raised to 100 without a new signature) is rejected, and the rejection recorded');
      const tampered = structuredClone(pkg);
      tampered.sequence = 2;
      tampered.modules.find((m) => m.name === 'saint')!.number = 100;
      await call('POST', '/license-packages', tampered);
      say();
      say(refused.status === 409 ? 'Done: the cap held.' : 'Unexpected: the cap did not hold.');
      process.exitCode = refused.status === 409 ? 0 : 1;
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
