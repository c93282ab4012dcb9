import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('npm run demo', () => {
  it('activates the sample package, assigns the plan, and shows the refusal at the cap and the tampered package', () => {
    const root = join(__dirname, '..', '..', '..');
    const run = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(root, 'apps', 'demo', 'src', 'main.ts')],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/POST \/license-packages\/validate → 401 \{"type":"\/problems\/unauthenticated"/);
    expect(run.stdout).toMatch(/POST \/license-packages → 201/);
    expect(run.stdout).toMatch(/POST \/users\/7\/licenses → 201 \{"assigned":\["chat-cal","sales-premium","user","web"\]/);
    expect(run.stdout).toMatch(/POST \/users\/9\/licenses → 409 \{"type":"\/problems\/cap-exceeded"/);
    expect(run.stdout).toMatch(/→ 422 \{"type":"\/problems\/package-rejected"/);
    expect(run.stdout).toMatch(/Done: the cap held\./);
  });
});
