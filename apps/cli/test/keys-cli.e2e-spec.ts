import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { matchApiKey, parseApiKeyEntry } from '@app/access';

const root = join(__dirname, '..', '..', '..');
const cli = (...args: string[]) =>
  spawnSync(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(root, 'apps', 'cli', 'src', 'main.ts'),
      ...args,
    ],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 90_000,
    },
  );

describe('licensing keys create (CLI)', () => {
  it('prints a new 256-bit secret once and the hashed entry that configures it', () => {
    const run = cli('keys', 'create', '--name', 'billing', '--role', 'service', '--tenant', 'Cust12345');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const [, secretLine, , entryLine] = run.stdout.split('\n');
    const secret = secretLine.trim();
    const entry = entryLine.trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(entry).toMatch(/^billing:sha256:[0-9a-f]{64}=service@Cust12345$/);
    expect(run.stdout.split(secret)).toHaveLength(2);
    const parsed = parseApiKeyEntry(entry, 'printed entry');
    if ('problem' in parsed) throw new Error(parsed.problem);
    expect(matchApiKey([parsed], secret)).toEqual({
      actor: 'billing',
      role: 'service',
      tenant: 'Cust12345',
      via: 'api-key',
    });
  }, 120_000);

  it('refuses an unknown role or a bad tenant, saying which', () => {
    const role = cli('keys', 'create', '--name', 'x', '--role', 'root', '--tenant', '*');
    expect(role.status).toBe(1);
    expect(role.stderr).toMatch(/--role.*root.*admin, service, reader, auditor/);
    const tenant = cli('keys', 'create', '--name', 'x', '--role', 'reader', '--tenant', 'not a tenant');
    expect(tenant.status).toBe(1);
    expect(tenant.stderr).toMatch(/--tenant.*expected a tenant id or \*/);
  }, 120_000);
});
