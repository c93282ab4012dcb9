import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { LicensingClient, LicensingProblem } from '../src';
import { checkedFetch } from '../../../test/support/checked-fetch';
import {
  Issuer,
  makeIssuer,
  packageDescription,
  sampleModules,
  unsignedRow,
} from '../../../test/support/signed-packages';
import { startTestApp } from '../../../test/support/test-app';
import { TEST_KEYS } from '../../../test/support/test-credentials';
import { testConfig } from '../../../test/support/test-config';

const TENANT = 'Cust12345';
/** The test administrator's API key: the client sends it as Authorization: Bearer. */
const token = TEST_KEYS.admin.secret;

describe('LicensingClient against the API on a real port', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;
  let baseUrl: string;
  const noWait = { sleep: async () => undefined };

  beforeAll(async () => {
    issuer = makeIssuer();
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile, LICENSING_MIN_POSITION_TIMEOUT_MS: '200' });
    app = await startTestApp(config);
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('activates, assigns and reads its own writes: the read waits for the position the command answered', async () => {
    const client = new LicensingClient({ baseUrl, token, fetch: checkedFetch(baseUrl) });
    const modules = [...sampleModules(), unsignedRow('desk', { number: 1 })];
    await client.activatePackage(TENANT, issuer.sign(packageDescription(TENANT, { modules })));
    const answer = await client.assign(TENANT, 'u1', 'sales-premium');
    expect(answer.assigned.sort()).toEqual(['chat-cal', 'sales-premium', 'user', 'web']);
    const list = await client.licenses(TENANT, { after: answer.position });
    expect(list.owners[0].licenses.find((license) => license.module === 'sales-premium')).toMatchObject({
      inUse: 1,
      free: 9,
    });
    expect(await client.userLicenses(TENANT, 'u1', { after: answer.position })).toMatchObject({
      plan: 'sales-premium',
    });

    await client.assign(TENANT, 'u1', 'desk');
    const refusal = await client.assign(TENANT, 'u2', 'desk').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LicensingProblem);
    expect(refusal).toMatchObject({
      status: 409,
      code: 'cap-exceeded',
      problem: { module: 'desk', number: 1, inUse: 1 },
    });
  });

  it('retries a command whose answer was lost; the API answers the retry once, from the first recording', async () => {
    const checked = checkedFetch(baseUrl);
    const keys: string[] = [];
    let lost = 0;
    // The request reaches the API and is recorded, but its answer never comes back: a reset connection.
    const losesFirstAnswer: typeof fetch = async (input, init) => {
      keys.push((init?.headers as Record<string, string>)['idempotency-key']);
      const response = await checked(input, init);
      if (lost++ === 0) throw new TypeError('fetch failed: other side closed');
      return response;
    };
    const client = new LicensingClient({ baseUrl, token, fetch: losesFirstAnswer, retry: noWait });
    const answer = await client.assign(TENANT, 'u3', 'saint');
    expect(answer.assigned).toEqual(['saint']);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);

    const reader = new LicensingClient({ baseUrl, token, fetch: checked });
    const events = await reader.events(TENANT, { limit: 1000 });
    const assignments = events.items.filter(
      (event) => event.type === 'LicenseAssigned' && (event.data as { userId?: string }).userId === 'u3',
    );
    expect(assignments).toHaveLength(1);
    expect(assignments[0].position).toBe(answer.position);
    expect((await reader.holders(TENANT, 'saint', { after: answer.position })).holders).toEqual(['u3']);
  });

  it('retries 503 read-model-behind with backoff, then gives up with the problem', async () => {
    const requests: string[] = [];
    const counting: typeof fetch = (input, init) => {
      requests.push(String(input));
      return checkedFetch(baseUrl)(input, init);
    };
    const waits: number[] = [];
    const client = new LicensingClient({
      baseUrl,
      token,
      fetch: counting,
      retry: { attempts: 3, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    });
    await expect(client.status(TENANT, { after: '999999999' })).rejects.toMatchObject({
      status: 503,
      code: 'read-model-behind',
    });
    expect(requests).toHaveLength(3);
    expect(waits).toEqual([25, 50]);
  });
});
