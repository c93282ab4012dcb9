import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import type { InjectOptions, LightMyRequestResponse as InjectResponse } from 'fastify';
import { createApp } from '../../apps/api/src/create-app';
import { ResponseValidator } from './response-validation';
import { bearer } from './test-credentials';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The API as main.ts builds it, initialised and ready for Fastify's `inject`, without listening on a port. */
export async function startTestApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await createApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

const validators = new WeakMap<NestFastifyApplication, Promise<ResponseValidator>>();

/** The validator of the document this app serves at /docs/json, read once per app. */
function validatorOf(app: NestFastifyApplication): Promise<ResponseValidator> {
  let validator = validators.get(app);
  if (!validator) {
    validator = app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: '/docs/json' })
      .then((response) => new ResponseValidator(response.json()));
    validators.set(app, validator);
  }
  return validator;
}

/**
 * Fastify's `inject`, with every response held to the served OpenAPI document (response-validation.ts): a response
 * off the contract rejects, failing the test that sent the request.
 */
export async function checkedInject(
  app: NestFastifyApplication,
  options: InjectOptions & { url: string },
): Promise<InjectResponse> {
  const response = await app.getHttpAdapter().getInstance().inject(options);
  const validator = await validatorOf(app);
  validator.check({
    method: options.method ?? 'GET',
    url: options.url,
    status: response.statusCode,
    contentType: response.headers['content-type'] as string | undefined,
    body: response.body,
  });
  return response;
}

/**
 * Sends a request through Fastify's `inject`: a body other than a string is sent as JSON. `app` is read at every
 * call, so a suite may restart its app between requests. It sends the test administrator's credential unless the
 * caller passes its own `authorization` header; `authorization: ''` sends none. Every response is checked against
 * /docs/json.
 */
export function requestSender(app: () => NestFastifyApplication) {
  return (method: Method, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    checkedInject(app(), {
      method,
      url,
      headers: withCredential({ ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }),
      payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
}

/** The admin credential by default; an explicit `authorization` header wins, and an empty one means none. */
export function withCredential(headers: Record<string, string>): Record<string, string> {
  const own = Object.keys(headers).find((name) => name.toLowerCase() === 'authorization');
  if (own === undefined) return { ...headers, authorization: bearer() };
  if (headers[own] !== '') return headers;
  const { [own]: _none, ...rest } = headers;
  return rest;
}
