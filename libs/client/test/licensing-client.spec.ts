import { LicensingClient, LicensingProblem } from '../src';

const problem = (status: number, slug: string) =>
  new Response(JSON.stringify({ type: `/problems/${slug}`, title: slug, status }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
const answer = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fetch that answers from a script and records what it was sent. */
function scripted(...answers: Array<() => Response>) {
  const sent: Array<{ url: string; method: string; headers: Record<string, string> }> = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    sent.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
    });
    const next = answers.shift();
    if (!next) throw new Error('no more answers scripted');
    return next();
  };
  return { fetch, sent };
}

describe('LicensingClient (without a server)', () => {
  const waits: number[] = [];
  const retry = { random: () => 0.5, sleep: async (ms: number) => void waits.push(ms) };
  beforeEach(() => (waits.length = 0));

  it('retries a 409 concurrency-conflict with the same Idempotency-Key, after a jittered backoff', async () => {
    const { fetch, sent } = scripted(
      () => problem(409, 'concurrency-conflict'),
      () => answer(201, { assigned: ['desk'], released: [], position: '7' }),
    );
    const client = new LicensingClient({ baseUrl: 'http://api.test', fetch, retry });
    expect(await client.assign('T1', 'u1', 'desk')).toEqual({ assigned: ['desk'], released: [], position: '7' });
    expect(sent).toHaveLength(2);
    expect(sent[0].headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1].headers['idempotency-key']).toBe(sent[0].headers['idempotency-key']);
    expect(waits).toEqual([25]);
  });

  it('gives each command its own key unless told one, and sends the bearer credential', async () => {
    const { fetch, sent } = scripted(
      () => answer(201, {}),
      () => answer(201, {}),
      () => answer(201, {}),
    );
    const client = new LicensingClient({ baseUrl: 'http://api.test', fetch, token: 'secret-1' });
    await client.assign('T1', 'u1', 'a');
    await client.assign('T1', 'u1', 'b');
    await client.assign('T1', 'u1', 'c', { idempotencyKey: 'k-3', correlationId: 'trace-9' });
    expect(new Set(sent.map((request) => request.headers['idempotency-key'])).size).toBe(3);
    expect(sent[2].headers).toMatchObject({
      'idempotency-key': 'k-3',
      'x-correlation-id': 'trace-9',
      authorization: 'Bearer secret-1',
    });
  });

  it('does not retry a refusal, and stops retrying after the last attempt', async () => {
    const refused = scripted(() => problem(409, 'cap-exceeded'));
    await expect(
      new LicensingClient({ baseUrl: 'http://api.test', fetch: refused.fetch, retry }).assign('T1', 'u1', 'desk'),
    ).rejects.toMatchObject({
      status: 409,
      code: 'cap-exceeded',
    });
    expect(refused.sent).toHaveLength(1);
    const behind = scripted(...Array.from({ length: 3 }, () => () => problem(503, 'read-model-behind')));
    const client = new LicensingClient({
      baseUrl: 'http://api.test',
      fetch: behind.fetch,
      retry: { ...retry, attempts: 3 },
    });
    await expect(client.status('T1', { after: '12' })).rejects.toBeInstanceOf(LicensingProblem);
    expect(behind.sent.map((request) => request.url)).toEqual(
      Array(3).fill('http://api.test/v1/tenants/T1/status?minPosition=12'),
    );
    expect(waits).toEqual([25, 50]);
  });

  it('retries network errors, and never an error of its own making', async () => {
    const flaky = scripted(
      () => {
        throw new TypeError('fetch failed');
      },
      () => answer(200, { owners: [] }),
    );
    expect(await new LicensingClient({ baseUrl: 'http://api.test', fetch: flaky.fetch, retry }).licenses('T1')).toEqual(
      { owners: [] },
    );
    const broken = scripted(() => {
      throw new RangeError('not a network error');
    });
    await expect(
      new LicensingClient({ baseUrl: 'http://api.test', fetch: broken.fetch, retry }).licenses('T1'),
    ).rejects.toBeInstanceOf(RangeError);
    expect(broken.sent).toHaveLength(1);
  });
});
