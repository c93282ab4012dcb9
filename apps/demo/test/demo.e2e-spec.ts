import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('npm run demo', () => {
  it('activates the sample package, assigns the plan, and shows the refusal at the cap and the tampered package', () => {
    const root = join(__dirname, '..', '..', '..');
    const run = spawnSync(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(root, 'apps', 'demo', 'src', 'main.ts'),
      ],
      { cwd: root, encoding: 'utf8', timeout: 150_000 },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/validate without a key → 401 \{"type":"\/problems\/unauthenticated"/);
    expect(run.stdout).toMatch(/ activate → \{"packageId":/);
    expect(run.stdout).toMatch(/assign 7 sales-premium → \{"assigned":\["chat-cal","sales-premium","user","web"\]/);
    expect(run.stdout).toMatch(/assign 9 saint → 409 \{"type":"\/problems\/cap-exceeded"/);
    expect(run.stdout).toMatch(/licenses \(minPosition=\d+\) → saint \{"module":"saint".*"inUse":2/);
    expect(run.stdout).toMatch(/activate tampered → 422 \{"type":"\/problems\/package-rejected"/);
    expect(run.stdout).toMatch(/Done: the cap held\./);
  }, 180_000);
});
