import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const TYPES = join(ROOT, 'libs', 'client', 'src', 'generated', 'openapi.ts');

/**
 * The generator runs in its own process: openapi-typescript needs ES modules that Jest's module system cannot load.
 * `--check` regenerates in memory and compares with the checked-in file.
 */
const check = (...file: string[]) =>
  spawnSync(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(ROOT, 'libs', 'client', 'scripts', 'generate-client-types.ts'),
      '--check',
      ...file,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );

describe('the client types checked in', () => {
  it('are what the served OpenAPI document generates (run `npm run client:generate` after changing a route or schema)', () => {
    const result = check();
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('matches the OpenAPI document');
    expect(result.status).toBe(0);
  });

  it('are caught drifting: a hand edit of the generated file fails the check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'client-types-'));
    const edited = join(dir, 'openapi.ts');
    try {
      writeFileSync(edited, readFileSync(TYPES, 'utf8').replace('position: string;', 'position: number;'));
      const result = check(edited);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('differs from what the OpenAPI document generates');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
