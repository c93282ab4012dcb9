import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { Issuer, makeIssuer, packageDescription, sampleModules } from '../../../test/support/signed-packages';
import { RunningApi, spawnApi } from '../../../test/support/spawn-api';
import { KEYED_TENANT, TEST_KEYS, TestKey } from '../../../test/support/test-credentials';
import { buildConsole, launchChromium, screenshot, seriousAxeViolations } from './browser';

// The test keys (test/support/test-credentials.ts), configured by spawnApi: an admin of every tenant signs in.
const TENANT = KEYED_TENANT;
const ADMIN_SECRET = TEST_KEYS.admin.secret;

jest.setTimeout(240_000);

describe('The console in a real Chromium over a running API', () => {
  let issuer: Issuer;
  let dataDir: string;
  let consoleDir: string;
  let api: RunningApi;
  let browser: BrowserContext;
  let packageFile: string;
  let activatedAt: string;

  beforeAll(async () => {
    issuer = makeIssuer();
    dataDir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
    consoleDir = await buildConsole();
    api = await spawnApi({
      LICENSING_DATA_DIR: dataDir,
      LICENSING_TRUSTED_ROOTS: issuer.rootFile,
      LICENSING_CONSOLE_DIR: consoleDir,
    }, 120_000);
    browser = await launchChromium();
    // Sales Premium with 2 seats, so that the third holder hits the cap.
    const modules = sampleModules().map((row) => (row.name === 'sales-premium' ? { ...row, number: 2 } : row));
    packageFile = join(dataDir, 'package.json');
    writeFileSync(packageFile, JSON.stringify(issuer.sign(packageDescription(TENANT, { modules }))));
  });
  afterAll(async () => {
    await browser?.close();
    if (api) {
      api.child.kill('SIGTERM');
      await api.exited;
    }
    for (const dir of [dataDir, consoleDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api.baseUrl}/v1/tenants/${TENANT}/${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_SECRET}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  async function signedInPage(key: TestKey = TEST_KEYS.admin): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${api.baseUrl}/console/`);
    await page.getByLabel('API key or token').fill(key.secret);
    await page.getByLabel('Tenant').fill(TENANT);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#actor').waitFor();
    // The live stream is open before anything happens that the page should see.
    await page.locator('.live.on').waitFor();
    return page;
  }

  async function expectAccessible(page: Page) {
    expect(await seriousAxeViolations(page)).toEqual([]);
  }

  let page: Page;

  it('signs in with a key, kept for the browser session only', async () => {
    const signIn = await browser.newPage();
    await signIn.goto(`${api.baseUrl}/console/`);
    await signIn.getByLabel('API key or token').waitFor();
    await screenshot(signIn, '01-sign-in');
    await expectAccessible(signIn);
    await signIn.close();

    page = await signedInPage();
    expect(await page.evaluate('JSON.parse(sessionStorage.getItem("licensing.console.credentials")).tenant')).toBe(TENANT);
    expect(await page.evaluate('localStorage.getItem("licensing.console.credentials")')).toBeNull();
    expect(await page.locator('#role').textContent()).toBe('admin');
    expect(await page.locator('#actor').textContent()).toBe(TEST_KEYS.admin.name);
  });

  it('refuses an unknown key at sign-in, and hides from a reader what a reader may not do', async () => {
    const refused = await browser.newPage();
    await refused.goto(`${api.baseUrl}/console/`);
    await refused.getByLabel('API key or token').fill('not-a-key');
    await refused.getByLabel('Tenant').fill(TENANT);
    await refused.getByRole('button', { name: 'Sign in' }).click();
    await refused.locator('[data-problem="unauthenticated"]', { hasText: 'The key or token was not accepted.' }).waitFor();
    await refused.close();

    const reader = await signedInPage(TEST_KEYS.reader);
    expect(await reader.locator('#role').textContent()).toBe('reader');
    expect(await reader.locator('#nav-audit').count()).toBe(0);
    await reader.locator('#nav-activate').click();
    await reader.locator('#packages').waitFor();
    expect(await reader.locator('#package-file').count()).toBe(0);
    await reader.close();
  });

  it('activates a package file: the dry run shows the changed licenses, then the activation', async () => {
    await page.locator('#nav-activate').click();
    await page.locator('#package-file').setInputFiles(packageFile);
    await page.locator('#dry-run tr[data-module="sales-premium"] td[data-field="new"]', { hasText: '2' }).waitFor();
    expect(await page.locator('#dry-run').textContent()).toContain('The package can be activated.');
    await screenshot(page, '03-activate-dry-run');
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.locator('#activation-result', { hasText: 'New license activated' }).waitFor();
    await page.locator('#packages tr[data-outcome="activated"]').waitFor();
    await screenshot(page, '04-activate-done');
    await expectAccessible(page);
    const history = await call('GET', 'license-packages');
    activatedAt = (history.body.items as Array<{ at: string }>)[0].at;
  });

  it('shows a rejection with its reasons', async () => {
    // The same file again: its sequence is not newer than the active package's.
    await page.locator('#package-file').setInputFiles([]);
    await page.locator('#package-file').setInputFiles(packageFile);
    await page.locator('#dry-run', { hasText: 'cannot be activated' }).waitFor();
    expect(await page.locator('#dry-run li[data-code="sequence-not-newer"]').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Activate', exact: true }).isDisabled()).toBe(true);
  });

  it('assigns a plan as radio buttons, and another page sees the in-use count change live', async () => {
    const watcher = await signedInPage();
    await watcher.locator('#nav-licenses').click();
    const inUse = (n: number) => watcher.locator('tr[data-module="sales-premium"] td[data-field="inUse"]', { hasText: new RegExp(`^${n}$`) });
    await inUse(0).waitFor();

    await page.locator('#nav-users').click();
    await page.getByLabel('User id').fill('u1');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('radio', { name: /Sales Premium/ }).check();
    await page.getByRole('button', { name: 'Assign plan' }).click();
    await page.locator('#user-modules', { hasText: 'sales-premium' }).waitFor();
    await inUse(1).waitFor();
    await screenshot(watcher, '02-licenses');
    await expectAccessible(watcher);

    // Someone else fills the last seat; the watcher follows that too.
    expect((await call('POST', 'users/u2/licenses', { module: 'sales-premium' })).status).toBe(201);
    await inUse(2).waitFor();
    await watcher.locator('tr[data-module="sales-premium"] button').click();
    await watcher.locator('#license-details .holders', { hasText: 'u2' }).waitFor();
    await screenshot(watcher, '02-licenses-details');
    await watcher.close();
  });

  it('hits the cap and reads the reason in words', async () => {
    await page.getByLabel('User id').fill('u3');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('radio', { name: /Sales Premium/ }).check();
    await page.getByRole('button', { name: 'Assign plan' }).click();
    const refusal = page.locator('[data-problem="cap-exceeded"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe('All 2 licenses of sales-premium are in use (2): release one first.');
    await screenshot(page, '05-users-cap');
    await expectAccessible(page);
  });

  it('records usage and shows it in the chart; the activation notice is in the feed with its description', async () => {
    await page.locator('#nav-status').click();
    await page.locator('#notifications tr[data-event-key="LicensePackageActivated"]').waitFor();
    const recorded = await call('POST', 'metered-usage', { usageId: 'chat-1', service: 'chat-sessions', quantity: 42, occurredAt: new Date().toISOString() });
    expect(recorded.status).toBe(202);
    await page.locator('#metering tr[data-service="chat-sessions"] td[data-field="total"]', { hasText: /^42 / }).waitFor();
    expect(await page.locator('#chart-this-month').getAttribute('data-points')).toMatch(/(^|,)42(,|;)/);
    await page.locator('#notifications tr[data-event-key="LicensePackageActivated"] button').click();
    await page.locator('#description-pane', { hasText: 'licensing-backend' }).waitFor();
    await screenshot(page, '06-status');
    await expectAccessible(page);
  });

  it('switches to Dutch and Danish, with the seeds\' terms', async () => {
    await page.locator('#language').selectOption('nl');
    await page.locator('#metering h2', { hasText: 'Diensten met datalimiet' }).waitFor();
    expect(await page.locator('#notifications h2').textContent()).toBe('Systeemmeldingen');
    expect(await page.locator('#nav-licenses').textContent()).toBe('Licenties');
    expect(await page.locator('#notifications thead').textContent()).toContain('Geactiveerd door');
    expect(await page.evaluate('document.documentElement.lang')).toBe('nl');
    await screenshot(page, '07-status-nl');
    await page.locator('#language').selectOption('da');
    await page.locator('#metering h2', { hasText: 'Forbrugstjenester' }).waitFor();
    expect(await page.locator('#notifications h2').textContent()).toBe('Systemmeddelelser');
    expect(await page.locator('#nav-licenses').textContent()).toBe('Licenser');
    expect(await page.locator('#notifications thead').textContent()).toContain('Aktiveret af');
    await screenshot(page, '08-status-da');
    await expectAccessible(page);
    await page.locator('#language').selectOption('en');
  });

  it('opens the license list as of a past moment, and runs verification', async () => {
    await page.locator('#nav-audit').click();
    // The moment of the activation itself (inclusive): the package is there, none of the later assignments.
    await page.locator('#as-of-moment').fill(activatedAt.slice(0, 23));
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('#as-of-list tr[data-module="sales-premium"] td[data-field="inUse"]', { hasText: /^0$/ }).waitFor();
    expect(await page.locator('#as-of-list tr[data-module="sales-premium"] td[data-field="number"]').textContent()).toBe('2');
    await page.getByRole('button', { name: 'Verify history' }).first().click();
    await page.locator('#verification[data-ok="true"]', { hasText: 'no problems' }).waitFor();
    await page.locator('#history tbody tr').first().waitFor();
    await screenshot(page, '09-audit');
    await expectAccessible(page);
  });
});
