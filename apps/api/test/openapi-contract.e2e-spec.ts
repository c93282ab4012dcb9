import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import type { LedgerQueries } from '@app/projections';
import { LEDGER_QUERIES } from '../src/queries/projections.tokens';
import { ResponseContractError, ResponseValidator } from '../../../test/support/response-validation';
import { Issuer, makeIssuer, packageDescription } from '../../../test/support/signed-packages';
import { requestSender, startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';

const TENANT = 'Cust12345';
const base = `/v1/tenants/${TENANT}`;

interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

describe('The OpenAPI document is the contract', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;
  const send = requestSender(() => app);

  beforeAll(async () => {
    issuer = makeIssuer();
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile });
    app = await startTestApp(config);
  });
  afterAll(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const operations = async () => {
    const document = (await send('GET', '/docs/json')).json() as { paths: Record<string, Record<string, Operation>> };
    return Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
    );
  };

  it('gives a schema to at least 90 % of its responses, and one to every success of every route', async () => {
    const all = await operations();
    const responses = all.flatMap(({ operation }) => Object.values(operation.responses));
    const withSchema = responses.filter(
      (response) => response.content && Object.values(response.content).every((media) => media.schema),
    );
    expect(withSchema.length / responses.length).toBeGreaterThanOrEqual(0.9);
    for (const { path, method, operation } of all) {
      const successes = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      expect({ path, method, successes: successes.length }).toEqual({ path, method, successes: expect.any(Number) });
      expect(successes.length).toBeGreaterThan(0);
      for (const [, response] of successes)
        expect(Object.values(response.content ?? {}).every((media) => media.schema)).toBe(true);
    }
  });

  it("lists each route's problem types, the Idempotency-Key only on commands, and the usage single/batch union", async () => {
    const all = await operations();
    const assign = all.find(
      ({ path, method }) => method === 'post' && path === '/v1/tenants/{tenantId}/users/{userId}/licenses',
    )!.operation;
    const conflictTypes = JSON.stringify(assign.responses['409'].content!['application/problem+json'].schema);
    expect(conflictTypes).toContain('/problems/cap-exceeded');
    expect(conflictTypes).toContain('/problems/concurrency-conflict');
    for (const { method, operation, path } of all.filter(({ method }) => method === 'get')) {
      expect({
        path,
        idempotencyKey: (operation.parameters ?? []).some((parameter) => parameter.name === 'Idempotency-Key'),
      }).toEqual({ path, idempotencyKey: false });
      expect(method).toBe('get');
    }
    const usage = all.find(({ path }) => path === '/v1/tenants/{tenantId}/metered-usage')!.operation;
    expect(usage.requestBody!.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/MeteredUsageBody',
    });
  });

  it('catches an answer that does not match the document: the request fails', async () => {
    const activated = await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)));
    expect((await send('GET', `${base}/status?minPosition=${activated.json().position}`)).statusCode).toBe(200);
    // Deliberately break the status answer: the read model now forgets the user count the contract requires.
    const queries = app.get<LedgerQueries>(LEDGER_QUERIES);
    const real = queries.status.bind(queries);
    const status = jest.spyOn(queries, 'status').mockImplementation(async (tenant) => {
      const answer = structuredClone(await real(tenant));
      if (answer) Reflect.deleteProperty(answer, 'userCount');
      return answer;
    });
    try {
      await expect(send('GET', `${base}/status`)).rejects.toThrow(ResponseContractError);
      await expect(send('GET', `${base}/status`)).rejects.toThrow(
        /GET \/v1\/tenants\/Cust12345\/status answered 200 off the OpenAPI contract: \(body\) must have required property 'userCount'/,
      );
    } finally {
      status.mockRestore();
    }
    expect((await send('GET', `${base}/status`)).statusCode).toBe(200);
  });

  it('catches an undeclared status, an undeclared media type and a problem type the route does not list', async () => {
    const validator = new ResponseValidator((await send('GET', '/docs/json')).json());
    const answer = { method: 'POST', url: `${base}/users/u1/licenses`, contentType: 'application/problem+json' };
    const problem = (slug: string, status: number) => JSON.stringify({ type: `/problems/${slug}`, title: 't', status });
    expect(() => validator.check({ ...answer, status: 409, body: problem('cap-exceeded', 409) })).not.toThrow();
    expect(() => validator.check({ ...answer, status: 409, body: problem('month-closed', 409) })).toThrow(
      /must be equal to one of the allowed values/,
    );
    expect(() => validator.check({ ...answer, status: 201, contentType: 'text/plain', body: 'ok' })).toThrow(
      /media type text\/plain is not declared/,
    );
    expect(() =>
      validator.check({
        ...answer,
        status: 201,
        contentType: 'application/json',
        body: '{"assigned":[],"released":[]}',
      }),
    ).toThrow(/position/);
  });
});
