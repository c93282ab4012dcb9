import Fastify, { type FastifyInstance } from 'fastify';
import { commandEnvelope } from '../src/common/command-context';
import { setPrincipal } from '../src/auth/request-principal';

/**
 * Issue 15, goal 4: a command whose id the API made (the request named none) is marked as such, so the runner
 * keeps it out of the command memory that answers retries; a command named by the caller is remembered.
 */
describe('commandEnvelope', () => {
  let app: FastifyInstance;
  const key = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

  beforeAll(async () => {
    app = Fastify();
    app.post('/v1/tenants/:tenantId/metered-usage', async (request) => {
      setPrincipal(request, { actor: 'svc', role: 'service', tenant: '*', via: 'api-key' });
      const body = request.body as { commandId?: unknown } | undefined;
      return commandEnvelope(request, 'T', body?.commandId);
    });
    await app.ready();
  });
  afterAll(() => app.close());

  const envelopeOf = async (headers: Record<string, string>, payload: object = {}) =>
    (await app.inject({ method: 'POST', url: '/v1/tenants/T/metered-usage', headers, payload })).json();

  it('marks an id it made for the request as fresh', async () => {
    const envelope = await envelopeOf({});
    expect(envelope.freshId).toBe(true);
    expect(envelope.idempotency).toBeUndefined();
  });

  it('does not mark an id the caller named, in the Idempotency-Key header or the body', async () => {
    const fromHeader = await envelopeOf({ 'idempotency-key': key });
    expect(fromHeader).toMatchObject({ commandId: key, idempotency: { key } });
    expect(fromHeader.freshId).toBeUndefined();
    const fromBody = await envelopeOf({}, { commandId: key });
    expect(fromBody).toMatchObject({ commandId: key, idempotency: { key } });
    expect(fromBody.freshId).toBeUndefined();
  });
});
