import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { useProblemJsonParserOn } from '../src/common/json-body-parser';
import { ProblemException } from '../src/problem/problem';

/**
 * The JSON body parser reads the body as a Buffer and decodes it once (issue 15, goal 4). Whatever a body is, the
 * answer must be the one the parser that read it as a string gave: each body below goes to both, and the parsed
 * value (echoed) or the problem must match, however the body's bytes are cut into chunks.
 */
describe('the JSON body parser', () => {
  let ours: FastifyInstance;
  let reference: FastifyInstance;

  /** An echo route; a parser failure answered as its problem (status, type, detail), as the app's handler does. */
  const echo = (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error instanceof ProblemException) return reply.status(error.getStatus()).send(error.problem);
      return reply.status(500).send({ unexpected: error.message });
    });
    app.post('/echo', (request) => ({ body: request.body }));
    return app;
  };

  beforeAll(async () => {
    ours = echo(Fastify());
    useProblemJsonParserOn(ours);
    // The parser as it was: the body as a string, Fastify's default JSON parser, the same problems.
    reference = echo(Fastify());
    const parse = reference.getDefaultJsonParser('error', 'error');
    reference.removeContentTypeParser('application/json');
    reference.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      void parse(request, body as string, (error: Error | null, value?: unknown) => {
        if (error) {
          const empty = (error as { code?: string }).code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
          const detail = empty ? 'the body is empty' : 'the body is not valid JSON';
          return done(ProblemException.of(400, 'malformed-json', 'Malformed JSON', detail), undefined);
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          return done(
            ProblemException.of(400, 'invalid-request', 'Invalid request', 'the body must be a JSON object', {
              errors: [{ field: 'body', messages: ['the body must be a JSON object'] }],
            }),
          );
        done(null, value);
      });
    });
    await Promise.all([ours.ready(), reference.ready()]);
  });

  afterAll(async () => {
    await Promise.all([ours.close(), reference.close()]);
  });

  const send = async (app: FastifyInstance, payload: string | (() => Readable)) => {
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: typeof payload === 'string' ? payload : payload(),
    });
    return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
  };

  const records = JSON.stringify({
    records: Array.from({ length: 1000 }, (_, index) => ({
      usageId: `u-${index}`,
      service: 'chat-sessions',
      quantity: 1,
      occurredAt: '2026-11-30T12:00:00.000Z',
    })),
  });

  const bodies: Array<[string, string]> = [
    ['a batch of 1,000 records', records],
    ['non-ASCII text', '{"usageId":"é-ü-😀-日本"}'],
    ['a "__proto__" key', '{"a":1,"__proto__":{"admin":true}}'],
    ['a "constructor" key', '{"constructor":{"prototype":{"admin":true}}}'],
    ['an escaped "__proto__" key', '{"\\u005f_proto__":{"admin":true}}'],
    ['an escaped "constructor" key', '{"\\u0063onstructor":{"prototype":{}}}'],
    ['"constructor" as a value', '{"usageId":"constructor"}'],
    ['"__proto__" as a value', '{"usageId":"__proto__"}'],
    ['an escape elsewhere', '{"usageId":"a\\"b\\\\c\\n"}'],
    ['a byte order mark', '\uFEFF{"usageId":"x"}'],
    ['malformed JSON', '{"usageId": "x"'],
    ['a trailing comma', '{"usageId": "x",}'],
    ['an empty body', ''],
    ['an array', '[1,2]'],
    ['a string', '"text"'],
    ['null', 'null'],
  ];

  it.each(bodies)('answers %s as the string parser did', async (_what, body) => {
    const [answer, expected] = await Promise.all([send(ours, body), send(reference, body)]);
    expect(answer).toEqual(expected);
  });

  it('refuses poisoned keys, whichever way they are written', async () => {
    for (const [, body] of bodies.filter(([what]) => what.includes('key'))) {
      const answer = await send(ours, body);
      expect(answer.status).toBe(400);
      expect(answer.body.detail).toBe('the body is not valid JSON');
    }
  });

  it('decodes a character split between two chunks of the body as the string parser did', async () => {
    const bytes = Buffer.from('{"usageId":"é😀日本-ü"}', 'utf8');
    // Cut inside the 4-byte emoji and inside the 3-byte 日.
    const chunked = () => Readable.from([bytes.subarray(0, 16), bytes.subarray(16, 21), bytes.subarray(21)]);
    const [answer, expected] = await Promise.all([send(ours, chunked), send(reference, chunked)]);
    expect(answer).toEqual({ status: 200, body: { body: { usageId: 'é😀日本-ü' } } });
    expect(answer).toEqual(expected);
  });

  it('replaces invalid UTF-8 as the string parser did', async () => {
    const bytes = Buffer.concat([Buffer.from('{"usageId":"a'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('b"}')]);
    const chunked = () => Readable.from([bytes.subarray(0, 14), bytes.subarray(14)]);
    const [answer, expected] = await Promise.all([send(ours, chunked), send(reference, chunked)]);
    expect(answer.status).toBe(200);
    expect(answer).toEqual(expected);
  });
});
