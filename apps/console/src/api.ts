import type { components } from '../../../libs/client/src/generated/openapi';

/** The HTTP API as the console reads it: the signed-in credential on every request, problems as errors. */

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

export interface Credentials {
  secret: string;
  tenant: string;
}

/** The answers' types, generated from the served OpenAPI document (`npm run client:generate`): one contract. */
type Schemas = components['schemas'];

export type Session = Schemas['ConsoleSession'];
export type License = Schemas['LicenseView'];
export type Owner = Schemas['OwnerView'];
export type LicenseList = Schemas['LicenseList'];
export type InvoiceLine = Schemas['InvoiceLine'];
export type MeteringMonth = Schemas['MeteringMonth'];
export type StatusView = Schemas['Status'];
export type SystemEvent = Schemas['SystemEventFeedItem'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type RejectionReason = Schemas['RejectionReason'];
export type Validation = Schemas['PackageReview'];
export type PackageHistoryItem = Schemas['PackageHistoryItem'];
export type UserLicenses = Schemas['UserLicenses'];
export type AuditEvent = Schemas['AuditEvent'];
export type Verification = Schemas['VerificationReport'];

export type Api = ReturnType<typeof apiFor>;

/** Requests for one tenant with one credential. Paths are relative to `/v1/tenants/{tenant}` unless they start with `/`. */
export function apiFor(credentials: Credentials) {
  const url = (path: string) => (path.startsWith('/') ? path : `/v1/tenants/${encodeURIComponent(credentials.tenant)}/${path}`);
  const headers = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${credentials.secret}`, ...extra });
  async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(url(path), {
      method,
      headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const problem = (parsed as Problem | null) ?? { type: 'about:blank', title: response.statusText, status: response.status };
      throw new ProblemError(problem);
    }
    return parsed as T;
  }
  return {
    tenant: credentials.tenant,
    get: <T>(path: string) => send<T>('GET', path),
    post: <T>(path: string, body?: unknown) => send<T>('POST', path, body ?? {}),
    delete: <T>(path: string) => send<T>('DELETE', path),
    /** The raw response of the positions stream (server-sent events), read with fetch so the credential stays in a header. */
    stream: (path: string, signal: AbortSignal) => fetch(url(path), { headers: headers({ accept: 'text/event-stream' }), signal }),
  };
}

/** `?minPosition=` when a live position is known, so that a re-read shows at least what the stream announced. */
export function at(path: string, position: string | null): string {
  if (position === null) return path;
  return `${path}${path.includes('?') ? '&' : '?'}minPosition=${position}`;
}
