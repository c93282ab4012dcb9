import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/spawn-api';

const ROOT = join(__dirname, '..');
const SCRIPT = join(ROOT, 'docs', 'walkthrough.sh');
const TS_NODE = `${process.execPath} -r ts-node/register/transpile-only -r tsconfig-paths/register`;

/** The lines of the README's walkthrough block (```sh after "## Walkthrough"), without comments and blank lines. */
function readmeWalkthrough(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Walkthrough'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

describe('the README walkthrough', () => {
  it('quotes docs/walkthrough.sh: every command the README shows is in the script the next test runs', () => {
    const script = readFileSync(SCRIPT, 'utf8');
    const lines = readmeWalkthrough();
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.filter((line) => !script.includes(line))).toEqual([]);
  });

  it('runs end to end against the API it starts: activation, plan, cap, usage, status, feed, CSV, metrics, export and verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'walkthrough-'));
    try {
      const env = {
        ...process.env,
        WALKTHROUGH_DIR: dir,
        PORT: String(await freePort()),
        ISSUER: `${TS_NODE} ${join(ROOT, 'apps', 'issuer-cli', 'src', 'main.ts')}`,
        LICENSING_CLI: `${TS_NODE} ${join(ROOT, 'apps', 'cli', 'src', 'main.ts')}`,
        START_API: `${TS_NODE} ${join(ROOT, 'apps', 'api', 'src', 'main.ts')}`,
      };
      const run = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
        const child = spawn('bash', [SCRIPT], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.stderr.on('data', (chunk) => (out += chunk));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code, out }));
      });
      if (run.code !== 0)
        throw new Error(
          `walkthrough exited ${run.code}:\n${run.out}\n--- api.log ---\n${readFileSync(join(dir, 'api.log'), 'utf8').slice(-3000)}`,
        );
      expect(run.out).toMatch(/"packageId":"[0-9a-f-]{36}","position":"\d+"/);
      expect(run.out).toMatch(/"assigned":\["sales-premium","user","web"\]/);
      expect(run.out).toMatch(/"type":"\/problems\/cap-exceeded".*\(HTTP 409\)/);
      expect(run.out).toMatch(/"type":"\/problems\/cap-exceeded","title":"Cap exceeded","status":409,"description":/);
      expect(run.out).toMatch(/"accepted":1,"duplicates":0/);
      expect(run.out).toMatch(/"userCount":\{"byLicenses":\{"user":25,"web":25\},"byPlansInUse":1\}/);
      expect(run.out).toMatch(/"eventKey":"[A-Za-z]+"/);
      expect(run.out).toMatch(
        /tenant,month,closed,users,service,unit,total,threshold,overage,adjusts\r\nCust12345,\d{4}-\d{2},false,1,storage,/,
      );
      expect(run.out).toMatch(/,mailing-emails,emails,1200,/);
      expect(run.out).toMatch(
        /licensing_commands_total\{runner="ledger",command="AssignLicense",outcome="refused",code="cap-exceeded"\} 1/,
      );
      expect(run.out).toMatch(/"ok": ?true/);
      expect(run.out.trim().endsWith('true')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
