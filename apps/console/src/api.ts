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

export interface Session {
  tenantId: string;
  actor: string;
  role: 'admin' | 'service' | 'reader' | 'auditor';
  tenant: string;
  via: string;
  may: Record<'activatePackages' | 'assignLicenses' | 'recordUsage' | 'manageSystemEvents' | 'query' | 'audit' | 'listTenants', boolean>;
}

export interface License {
  module: string;
  description: string;
  type: number;
  number: number;
  inUse: number;
  free: number;
  unrestricted: boolean;
  hidden: boolean;
  isPlan: boolean;
  implies: string[];
  overAllocated: boolean;
}

export interface Owner {
  name: string;
  description: string;
  companyName: string;
  serialNumber: string;
  databaseType: string;
  expiration: string | null;
  graceTo: string | null;
  licenses: License[];
}

export interface LicenseList {
  owners: Owner[];
}

export interface InvoiceLine {
  service: string;
  unit: string;
  total: number;
  threshold: number;
  overage: number;
}

export interface MeteringMonth {
  month: string;
  users: number;
  closed: boolean;
  services: InvoiceLine[];
}

export interface StatusView {
  database: { owner: string; serialNumber: string; databaseType: string; nextExpiry: string | null };
  userCount: { byLicenses: { user: number | null; web: number | null }; byPlansInUse: number };
  metering: { month: string; services: InvoiceLine[] };
}

export interface SystemEvent {
  eventKey: string;
  status: string;
  message: string;
  activatedAt: string;
  activatedBy: string;
  finishedAt: string | null;
  scope: number;
  owner: string | null;
  eta: string | null;
  updatedAt: string;
  sequence: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface RejectionReason {
  code: string;
  detail: string;
  modules?: string[];
  licenses?: Array<{ module: string; inUse: number; newNumber: number; mustRemove: number; holders: string[] }>;
}

export interface Validation {
  canBeActivated: boolean;
  reasons: RejectionReason[];
  changes: Array<{ module: string; current: number | null; new: number | null; inUse: number; free: number | null; newFree: number | null; mustRemove: number }>;
}

export interface PackageHistoryItem {
  outcome: 'activated' | 'rejected';
  packageId: string;
  owner: string;
  sequence: number;
  at: string;
  actor: string | null;
  reasons: RejectionReason[];
  position: string;
}

export interface UserLicenses {
  userId: string;
  active: boolean;
  plan: string | null;
  modules: string[];
}

export interface AuditEvent {
  position: string;
  stream: string;
  revision: string | number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

export interface Verification {
  ok: boolean;
  checkedEvents: number;
  packages: Array<{ packageId: string; owner: string; sequence: number; signatureValid: boolean; chainValid: boolean }>;
  problems: Array<{ kind: string; stream: string; revision: number | string; position: string; eventId: string; detail: string }>;
}

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
