import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { createApp } from '../../apps/api/src/create-app';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The API as main.ts builds it, initialised and ready for Fastify's `inject`, without listening on a port. */
export async function startTestApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await createApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/**
 * Sends a request through Fastify's `inject`: a body other than a string is sent as JSON. `app` is read at every
 * call, so a suite may restart its app between requests.
 */
export function requestSender(app: () => NestFastifyApplication) {
  return (method: Method, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    app()
      .getHttpAdapter()
      .getInstance()
      .inject({
        method,
        url,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
}
