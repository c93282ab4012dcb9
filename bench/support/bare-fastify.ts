/**
 * The floor of the HTTP shell: a bare Fastify app with one POST route that parses the JSON body and answers 202,
 * the same work as the API's POST /baseline/noop without Nest. Run by shell.bench.ts as its own process; prints
 * its port on stdout.
 */
import Fastify from 'fastify';

async function main(): Promise<void> {
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  app.post('/baseline/noop', async (request, reply) => {
    reply.code(202);
    return { received: request.body !== undefined };
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${new URL(address).port}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
