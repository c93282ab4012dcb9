import { createHash } from 'node:crypto';
import type { Role } from '@app/access';

/**
 * The credentials every test suite configures and sends, as a user would: fixed keys per role and tenant, in the
 * hashed form `name:sha256:<hex>=role@tenant` (as `npm run cli -- keys create` prints) and one in the development
 * form `secret=role@tenant`. The secrets are test fixtures; nothing else uses them.
 */
export interface TestKey {
  name: string;
  secret: string;
  role: Role;
  tenant: string;
  entry: string;
}

/** The tenant the per-tenant keys cover. */
export const KEYED_TENANT = 'Cust12345';

function hashedKey(name: string, role: Role, tenant: string): TestKey {
  const secret = `test-secret-${name}-0123456789abcdef`;
  const hex = createHash('sha256').update(secret).digest('hex');
  return { name, secret, role, tenant, entry: `${name}:sha256:${hex}=${role}@${tenant}` };
}

function developmentKey(secret: string, role: Role, tenant: string): TestKey {
  const name = `key-${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
  return { name, secret, role, tenant, entry: `${secret}=${role}@${tenant}` };
}

export const TEST_KEYS = {
  /** What every request of a test sends unless it says otherwise: an administrator of every tenant. */
  admin: hashedKey('test-admin', 'admin', '*'),
  tenantAdmin: hashedKey('tenant-admin', 'admin', KEYED_TENANT),
  service: hashedKey('billing', 'service', KEYED_TENANT),
  reader: hashedKey('dashboard', 'reader', KEYED_TENANT),
  auditor: hashedKey('tenant-auditor', 'auditor', KEYED_TENANT),
  allAuditor: hashedKey('auditor-all', 'auditor', '*'),
  allService: hashedKey('service-all', 'service', '*'),
  developmentService: developmentKey('dev-secret-service-not-for-production', 'service', KEYED_TENANT),
} satisfies Record<string, TestKey>;

/** The environment that configures every test key. */
export function testKeyEnv(): { LICENSING_API_KEYS: string } {
  return {
    LICENSING_API_KEYS: Object.values(TEST_KEYS)
      .map((key) => key.entry)
      .join(','),
  };
}

/** Add to a configuration's overrides for a suite that runs with no credentials configured (open, development). */
export const NO_CREDENTIALS: NodeJS.ProcessEnv = {
  LICENSING_API_KEYS: '',
  LICENSING_API_KEYS_FILE: '',
  LICENSING_JWT_JWKS: '',
};

export function bearer(key: TestKey = TEST_KEYS.admin): string {
  return `Bearer ${key.secret}`;
}

/** Headers for `fetch` against a spawned API: the admin credential unless another key is named. */
export function authHeaders(key: TestKey = TEST_KEYS.admin): { authorization: string } {
  return { authorization: bearer(key) };
}
