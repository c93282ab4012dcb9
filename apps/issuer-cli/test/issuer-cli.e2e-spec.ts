import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { descriptionJson, temporaryDirectory } from './cli-test-support';

const repository = join(__dirname, '..', '..', '..');

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI as users run it: its own process, working in a directory of its own, relative paths. */
function cli(cwd: string, ...args: string[]): Promise<Exit> {
  const main = join(repository, 'apps', 'issuer-cli', 'src', 'main.ts');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      // Resolved here: preloads given by name would be looked up from the temporary directory.
      [
        '-r',
        require.resolve('ts-node/register/transpile-only'),
        '-r',
        require.resolve('tsconfig-paths/register'),
        main,
        ...args,
      ],
      { cwd, env: { ...process.env, TS_NODE_PROJECT: join(repository, 'tsconfig.json') } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the issuer CLI as a process', () => {
  const dir = temporaryDirectory();
  const cwd = dir.path('.');
  afterAll(() => dir.remove());

  it('creates a root and an owner, signs, checks, and fails the check of a tampered package', async () => {
    writeFileSync(dir.path('desc.json'), descriptionJson());
    writeFileSync(
      dir.path('bad-desc.json'),
      descriptionJson((d) => ((d.modules as Array<Record<string, unknown>>)[1].number = 0)),
    );
    // Independent of the chain below, so it runs alongside it.
    const badDescription = cli(
      cwd,
      'sign-package',
      '--description',
      'bad-desc.json',
      '--owner-cert',
      'owner.pem',
      '--owner-key',
      'owner.key.pem',
      '--out',
      'bad.json',
    );

    const root = await cli(cwd, 'create-root', '--cn', 'E2E Root', '--cert', 'root.pem', '--key', 'root.key.pem');
    expect(root).toMatchObject({ code: 0, stderr: '' });
    const owner = await cli(
      cwd,
      'issue-owner',
      '--owner',
      'SUPEROFFICE',
      '--root-cert',
      'root.pem',
      '--root-key',
      'root.key.pem',
      '--cert',
      'owner.pem',
      '--key',
      'owner.key.pem',
    );
    expect(owner).toMatchObject({ code: 0, stderr: '' });
    const signed = await cli(
      cwd,
      'sign-package',
      '--description',
      'desc.json',
      '--owner-cert',
      'owner.pem',
      '--owner-key',
      'owner.key.pem',
      '--out',
      'package.json',
    );
    expect(signed).toMatchObject({ code: 0, stderr: '' });
    expect(signed.stdout).toContain('signed package');

    const pkg = JSON.parse(readFileSync(dir.path('package.json'), 'utf8'));
    pkg.modules[0].number = 9999;
    writeFileSync(dir.path('tampered.json'), JSON.stringify(pkg, null, 2));
    const [good, tampered] = await Promise.all([
      cli(cwd, 'check-package', '--package', 'package.json', '--trusted-root', 'root.pem'),
      cli(cwd, 'check-package', '--package', 'tampered.json', '--trusted-root', 'root.pem'),
    ]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('result: the package holds');
    expect(tampered.code).toBe(2);
    expect(tampered.stdout).toContain('row signatures do not verify: user');

    const bad = await badDescription;
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'error: --description bad-desc.json: modules[1].number: must be a positive whole number, not 0',
    );
  });
});
