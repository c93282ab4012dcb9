import crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessStartupNotes, createApiKey, matchApiKey, parseApiKeyEntry, sha256 } from '@app/access';
import { ConfigError, loadConfig } from '@app/config';

const repoRoot = join(__dirname, '..', '..', '..');
const hex = (secret: string) => createHash('sha256').update(secret).digest('hex');
const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env, repoRoot);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('API key entries', () => {
  it('reads the hashed form name:sha256:<hex>=role@tenant and keeps only the hash', () => {
    const entry = parseApiKeyEntry(`billing:sha256:${hex('s3cret-s3cret-s3cret')}=service@Cust12345`, 'entry 1');
    expect(entry).toEqual({
      name: 'billing',
      sha256: Buffer.from(hex('s3cret-s3cret-s3cret'), 'hex'),
      role: 'service',
      tenant: 'Cust12345',
      development: false,
    });
  });

  it('reads the development form secret=role@tenant, named key- and the first 8 hex digits of its hash', () => {
    const secret = 'a-development-secret';
    expect(parseApiKeyEntry(`${secret}=admin@*`, 'entry 1')).toMatchObject({
      name: `key-${hex(secret).slice(0, 8)}`,
      role: 'admin',
      tenant: '*',
      development: true,
    });
  });

  it('matches a presented secret by its hash, and nothing else', () => {
    const { secret, entry } = createApiKey('billing', 'service', 'Cust12345');
    const parsed = parseApiKeyEntry(entry, 'entry 1');
    if ('problem' in parsed) throw new Error(parsed.problem);
    expect(matchApiKey([parsed], secret)).toEqual({
      actor: 'billing',
      role: 'service',
      tenant: 'Cust12345',
      via: 'api-key',
    });
    expect(matchApiKey([parsed], `${secret}x`)).toBeNull();
    expect(matchApiKey([parsed], hex(secret))).toBeNull();
  });

  it('hashes a presented secret in one call: the same digest as a Hash object, none made per match', () => {
    const { secret, entry } = createApiKey('billing', 'service', 'Cust12345');
    const parsed = parseApiKeyEntry(entry, 'entry 1');
    if ('problem' in parsed) throw new Error(parsed.problem);
    const unicode = 'sécret-ключ-🔑-0123456789';
    expect(sha256(unicode)).toEqual(createHash('sha256').update(unicode, 'utf8').digest());
    const hashObjects = jest.spyOn(crypto, 'createHash');
    try {
      expect(matchApiKey([parsed], secret)?.actor).toBe('billing');
      expect(hashObjects).not.toHaveBeenCalled();
    } finally {
      hashObjects.mockRestore();
    }
  });

  it('creates secrets of 256 random bits in base64url, and entries of the hashed form', () => {
    const first = createApiKey('billing', 'service', 'Cust12345');
    const second = createApiKey('billing', 'service', 'Cust12345');
    expect(first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first.secret, 'base64url')).toHaveLength(32);
    expect(first.secret).not.toBe(second.secret);
    expect(first.entry).toBe(`billing:sha256:${hex(first.secret)}=service@Cust12345`);
  });
});

describe('access configuration', () => {
  it('reports every malformed entry at once, naming each by where it stands and never repeating a secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-file-'));
    const file = join(dir, 'keys');
    writeFileSync(
      file,
      `# the billing service\nbilling:sha256:${hex('x'.repeat(20))}=service@Cust1\n\nshort=reader@Cust1\n`,
    );
    const problems = problemsOf({
      LICENSING_API_KEYS: [
        `ok:sha256:${hex('y'.repeat(20))}=admin@*`,
        'nohash:sha256:abc=admin@*',
        `boss:sha256:${hex('z'.repeat(20))}=boss@Cust1`,
        `spaces:sha256:${hex('w'.repeat(20))}=reader@not a tenant`,
        'a-long-development-secret-without-a-scope',
        `billing:sha256:${hex('v'.repeat(20))}=auditor@Cust1`,
      ].join(','),
      LICENSING_API_KEYS_FILE: file,
    });
    expect(problems).toEqual([
      "LICENSING_API_KEYS entry 2 ('nohash'): the hash must be 64 hex digits (a SHA-256)",
      "LICENSING_API_KEYS entry 3 ('boss'): the role must be one of admin, service, reader, auditor, got 'boss'",
      "LICENSING_API_KEYS entry 4 ('spaces'): the tenant must be a tenant id or *, got 'not a tenant'",
      'LICENSING_API_KEYS entry 5: expected name:sha256:<64 hex digits>=role@tenant (or secret=role@tenant)',
      `LICENSING_API_KEYS_FILE ${file} line 4: neither name:sha256:<64 hex digits> nor a development secret of at least 16 characters without spaces or commas`,
      "API key name 'billing' is configured twice",
    ]);
    expect(problems.join('\n')).not.toMatch(/a-long-development-secret|short/);
  });

  it('needs all three token settings or none, and a JWKS of public keys', () => {
    expect(problemsOf({ LICENSING_JWT_ISSUER: 'https://issuer' })).toEqual([
      'tokens need all of LICENSING_JWT_JWKS, LICENSING_JWT_ISSUER and LICENSING_JWT_AUDIENCE, or none of them',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'jwks-'));
    writeFileSync(join(dir, 'secret.json'), JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }));
    expect(
      problemsOf({
        LICENSING_JWT_JWKS: join(dir, 'secret.json'),
        LICENSING_JWT_ISSUER: 'i',
        LICENSING_JWT_AUDIENCE: 'a',
      }),
    ).toEqual([
      `LICENSING_JWT_JWKS ${join(dir, 'secret.json')} holds a private or symmetric key: a JWKS for verification lists public keys only`,
    ]);
  });

  it('is open (with a loud warning) when nothing is configured, and refuses production that way in one line', () => {
    const open = loadConfig({}, repoRoot).access;
    expect(accessStartupNotes(open, false)).toEqual({
      refusal: null,
      warnings: [expect.stringMatching(/^ACCESS CONTROL IS OFF/)],
    });
    const refusal = accessStartupNotes(open, true).refusal;
    expect(refusal).toMatch(/^refusing to start: NODE_ENV=production and no credentials configured/);
    expect(refusal).not.toContain('\n');
    const keyed = loadConfig(
      { LICENSING_API_KEYS: `a-development-secret=admin@*`, NODE_ENV: 'production' },
      repoRoot,
    ).access;
    expect(keyed.production).toBe(true);
    expect(accessStartupNotes(keyed, true)).toEqual({
      refusal: null,
      warnings: [expect.stringMatching(/^development-form API keys configured \(key-[0-9a-f]{8}\)/)],
    });
  });
});
