import { randomUUID } from 'node:crypto';
import type { components } from './generated/openapi';
import { LicensingProblem, Problem } from './licensing-problem';
import { backoffMs, DEFAULT_RETRY, isNetworkError, RETRIED_PROBLEMS, RetryPolicy } from './retry';

type Schemas = components['schemas'];
export type LicensePackage = Schemas['LicensePackageDto'];
export type UsageRecord = Schemas['UsageRecord'];
export type StartSystemEvent = Schemas['StartSystemEventDto'];
export type UpdateSystemEvent = Schemas['UpdateSystemEventDto'];

export interface ClientOptions {
  /** e.g. `http://localhost:3000` */
  baseUrl: string;
  /** A bearer credential (API key or token); sent as `Authorization: Bearer …`. */
  token?: string;
  /** A fetch to use instead of the global one (Node 20 and browsers have it). */
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  /** Makes the Idempotency-Key of a command that was not given one (default: a random UUID). */
  newKey?: () => string;
}

export interface CommandOptions {
  /** Send the same key to make a retry of your own answer the first result (default: a new UUID per call). */
  idempotencyKey?: string;
  /** Recorded as the correlation id of the command's events (default: the command id). */
  correlationId?: string;
}

export interface ReadOptions {
  /** Read-your-writes: the `position` a command answered; the read waits until the read model has reached it. */
  after?: string;
}

interface Call {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  accept?: string;
}

/**
 * A small client of the licensing API, typed by the generated OpenAPI types. Every command carries an
 * Idempotency-Key (the same over its retries), so a retry after a lost answer never acts twice. Network errors,
 * 503 read-model-behind and 409 concurrency-conflict are retried with jittered backoff; other problems reject with
 * a LicensingProblem.
 */
export class LicensingClient {
  private readonly fetch: typeof fetch;
  private readonly retry: RetryPolicy;
  private readonly newKey: () => string;

  constructor(private readonly options: ClientOptions) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.newKey = options.newKey ?? randomUUID;
  }

  // Commands

  validatePackage(tenant: string, pkg: LicensePackage): Promise<Schemas['PackageReview']> {
    return this.send('POST', `${tenantPath(tenant)}/license-packages/validate`, { body: pkg });
  }

  activatePackage(
    tenant: string,
    pkg: LicensePackage,
    options: CommandOptions = {},
  ): Promise<Schemas['PackageActivated']> {
    return this.command('POST', `${tenantPath(tenant)}/license-packages`, pkg, options);
  }

  assign(
    tenant: string,
    userId: string,
    module: string,
    options: CommandOptions & { owner?: string } = {},
  ): Promise<Schemas['AssignmentAnswer']> {
    const body = options.owner === undefined ? { module } : { module, owner: options.owner };
    return this.command('POST', `${userPath(tenant, userId)}/licenses`, body, options);
  }

  release(
    tenant: string,
    userId: string,
    module: string,
    options: CommandOptions & { owner?: string } = {},
  ): Promise<Schemas['AssignmentAnswer']> {
    return this.command('DELETE', `${userPath(tenant, userId)}/licenses/${segment(module)}`, undefined, options, {
      owner: options.owner,
    });
  }

  deactivate(tenant: string, userId: string, options: CommandOptions = {}): Promise<Schemas['AssignmentAnswer']> {
    return this.command('POST', `${userPath(tenant, userId)}/deactivate`, undefined, options);
  }

  reactivate(tenant: string, userId: string, options: CommandOptions = {}): Promise<Schemas['AssignmentAnswer']> {
    return this.command('POST', `${userPath(tenant, userId)}/reactivate`, undefined, options);
  }

  /** One record, or a batch of up to 1,000; a usageId already counted is reported as a duplicate. */
  recordUsage(
    tenant: string,
    usage: UsageRecord | UsageRecord[],
    options: CommandOptions = {},
  ): Promise<Schemas['UsageAnswer']> {
    return this.command(
      'POST',
      `${tenantPath(tenant)}/metered-usage`,
      Array.isArray(usage) ? { records: usage } : usage,
      options,
    );
  }

  closeMonth(tenant: string, month: string, options: CommandOptions = {}): Promise<Schemas['MonthClosed']> {
    return this.command('POST', `${tenantPath(tenant)}/metering/${segment(month)}/close`, undefined, options);
  }

  startSystemEvent(
    tenant: string,
    event: StartSystemEvent,
    options: CommandOptions = {},
  ): Promise<Schemas['SystemEventAnswer']> {
    return this.command('POST', `${tenantPath(tenant)}/system-events`, event, options);
  }

  updateSystemEvent(
    tenant: string,
    key: SystemEventKey,
    changes: UpdateSystemEvent,
    options: CommandOptions = {},
  ): Promise<Schemas['SystemEventAnswer']> {
    return this.command(
      'PATCH',
      `${tenantPath(tenant)}/system-events/${segment(key.eventKey)}`,
      changes,
      options,
      keyQuery(key),
    );
  }

  deleteSystemEvent(
    tenant: string,
    key: SystemEventKey,
    options: CommandOptions = {},
  ): Promise<Schemas['SystemEventDeleted']> {
    return this.command(
      'DELETE',
      `${tenantPath(tenant)}/system-events/${segment(key.eventKey)}`,
      undefined,
      options,
      keyQuery(key),
    );
  }

  // Queries (read models)

  licenses(tenant: string, options: ReadOptions & { asOf?: string } = {}): Promise<Schemas['LicenseList']> {
    return this.send('GET', `${tenantPath(tenant)}/licenses`, {
      query: { minPosition: options.after, asOf: options.asOf },
    });
  }

  holders(tenant: string, module: string, options: ReadOptions & { owner?: string } = {}): Promise<Schemas['Holders']> {
    return this.send('GET', `${tenantPath(tenant)}/licenses/${segment(module)}/holders`, {
      query: { minPosition: options.after, owner: options.owner },
    });
  }

  userLicenses(
    tenant: string,
    userId: string,
    options: ReadOptions & { owner?: string } = {},
  ): Promise<Schemas['UserLicenses']> {
    return this.send('GET', `${userPath(tenant, userId)}/licenses`, {
      query: { minPosition: options.after, owner: options.owner },
    });
  }

  status(tenant: string, options: ReadOptions = {}): Promise<Schemas['Status']> {
    return this.send('GET', `${tenantPath(tenant)}/status`, { query: { minPosition: options.after } });
  }

  meteringMonth(tenant: string, month: string, options: ReadOptions = {}): Promise<Schemas['MeteringMonth']> {
    return this.send('GET', `${tenantPath(tenant)}/metering/${segment(month)}`, {
      query: { minPosition: options.after },
    });
  }

  /** The month's invoice lines as CSV (RFC 4180), for billing. */
  meteringCsv(tenant: string, month: string, options: ReadOptions = {}): Promise<string> {
    return this.send('GET', `${tenantPath(tenant)}/metering/${segment(month)}`, {
      query: { minPosition: options.after },
      accept: 'text/csv',
    });
  }

  systemEvents(
    tenant: string,
    options: ReadOptions & { status?: string; limit?: number; cursor?: string } = {},
  ): Promise<Schemas['SystemEventFeedPage']> {
    const { after, ...rest } = options;
    return this.send('GET', `${tenantPath(tenant)}/system-events`, { query: { ...rest, minPosition: after } });
  }

  // Audit

  events(
    tenant: string,
    options: { fromPosition?: string; limit?: number } = {},
  ): Promise<Schemas['TenantEventsPage']> {
    return this.send('GET', `${tenantPath(tenant)}/events`, { query: options });
  }

  verify(tenant: string): Promise<Schemas['VerificationReport']> {
    return this.send('GET', `${tenantPath(tenant)}/audit/verify`, {});
  }

  private command<T>(
    method: string,
    path: string,
    body: unknown,
    options: CommandOptions,
    query: Call['query'] = {},
  ): Promise<T> {
    const headers: Record<string, string> = { 'idempotency-key': options.idempotencyKey ?? this.newKey() };
    if (options.correlationId !== undefined) headers['x-correlation-id'] = options.correlationId;
    return this.send(method, path, { body, headers, query });
  }

  private async send<T>(method: string, path: string, call: Call): Promise<T> {
    const url = new URL(path, this.options.baseUrl);
    for (const [name, value] of Object.entries(call.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: call.accept ?? 'application/json', ...call.headers };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    const init: RequestInit = {
      method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    };
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetch(url, init);
      } catch (error) {
        if (!isNetworkError(error) || attempt >= this.retry.attempts) throw error;
        await this.retry.sleep(backoffMs(this.retry, attempt - 1));
        continue;
      }
      if (response.ok)
        return (
          response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text()
        ) as T;
      const problem = await problemOf(response);
      if (RETRIED_PROBLEMS[problem.type] !== response.status || attempt >= this.retry.attempts)
        throw new LicensingProblem(response.status, problem);
      await this.retry.sleep(backoffMs(this.retry, attempt - 1));
    }
  }
}

export interface SystemEventKey {
  eventKey: string;
  scope: 1 | 2 | 3 | 4;
  owner?: string;
}

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    return JSON.parse(text) as Problem;
  } catch {
    // Not the API answering (a proxy's error page): a problem of its status all the same.
    return {
      type: 'about:blank',
      title: response.statusText || 'Error',
      status: response.status,
      detail: text.slice(0, 200),
    };
  }
}

const segment = (value: string) => encodeURIComponent(value);
const tenantPath = (tenant: string) => `/v1/tenants/${segment(tenant)}`;
const userPath = (tenant: string, userId: string) => `${tenantPath(tenant)}/users/${segment(userId)}`;
const keyQuery = (key: SystemEventKey) => ({ scope: key.scope, owner: key.owner });
