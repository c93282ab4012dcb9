import { ResponseValidator } from './response-validation';

const validators = new Map<string, Promise<ResponseValidator>>();

/**
 * `fetch` for suites that talk to a spawned API over a port: every response is held to the OpenAPI document that
 * API serves (fetched once per base URL) before the suite sees it. Same signature as fetch, so it can be handed
 * to libs/client.
 */
export function checkedFetch(baseUrl: string): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, baseUrl);
    const validator = await validatorFor(url.origin);
    const body = await response.clone().text();
    validator.check({
      method: init?.method ?? (input instanceof Request ? input.method : 'GET'),
      url: url.pathname + url.search,
      status: response.status,
      contentType: response.headers.get('content-type') ?? undefined,
      body,
    });
    return response;
  };
}

function validatorFor(origin: string): Promise<ResponseValidator> {
  let validator = validators.get(origin);
  if (!validator) {
    validator = fetch(`${origin}/docs/json`).then(async (response) => {
      if (!response.ok) throw new Error(`${origin}/docs/json answered ${response.status}`);
      return new ResponseValidator((await response.json()) as ConstructorParameters<typeof ResponseValidator>[0]);
    });
    // A failed fetch of the document is not kept: the next request tries again.
    validator.catch(() => validators.delete(origin));
    validators.set(origin, validator);
  }
  return validator;
}
