/**
 * Roles, permissions and the one table between them (DESIGN.md §6). A route names a permission; a credential
 * carries a role and a tenant scope; `authorize` is the only place that judges the pair.
 */
export const ROLES = ['admin', 'service', 'reader', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** The tenant scope of a credential: one tenant id, or every tenant. */
export const ALL_TENANTS = '*';

/** Tenant ids as the routes take them (`Cust12345`); kept equal to the API's `:tenantId` pattern. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const PERMISSIONS = [
  'packages',
  'ledgerCommands',
  'metering',
  'systemEvents',
  'queries',
  'audit',
  'crossTenant',
  'operations',
  'metrics',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** §6's table, row by row. `crossTenant` also needs the `*` scope (see `authorize`). */
const GRANTS: Record<Permission, readonly Role[]> = {
  packages: ['admin'],
  ledgerCommands: ['admin', 'service'],
  metering: ['admin', 'service'],
  systemEvents: ['admin', 'service'],
  queries: ['admin', 'service', 'reader', 'auditor'],
  audit: ['admin', 'auditor'],
  crossTenant: ['admin', 'auditor'],
  // Operating the service itself (online projection rebuilds): administrators of every tenant only.
  operations: ['admin'],
  // Prometheus metrics (/metrics): reader role or above, over every tenant (`*`), since they aggregate all tenants.
  metrics: ['admin', 'service', 'reader', 'auditor'],
};

/** Who called: the actor recorded in event metadata, and what the credential covers. */
export interface Principal {
  /** The key's name, the token's `sub`, or `anonymous` while no credentials are configured. */
  actor: string;
  role: Role;
  /** One tenant id, or `*`. */
  tenant: string;
  via: 'api-key' | 'token' | 'open';
}

/** The principal of every request while no credentials are configured (development only; §6). */
export const OPEN_ACCESS_PRINCIPAL: Principal = Object.freeze({
  actor: 'anonymous',
  role: 'admin',
  tenant: ALL_TENANTS,
  via: 'open',
});

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isTenantScope(value: unknown): value is string {
  return typeof value === 'string' && (value === ALL_TENANTS || TENANT_ID_PATTERN.test(value));
}

/**
 * Whether `principal` may use a route needing `permission` on `tenant` (the route's `:tenantId`; null for routes
 * that name no tenant). A tenant-less route other than `crossTenant` is refused: it would otherwise be open to
 * every tenant's credential.
 */
export function authorize(
  principal: Principal,
  permission: Permission,
  tenant: string | null,
): 'allowed' | 'forbidden' {
  if (!GRANTS[permission].includes(principal.role)) return 'forbidden';
  if (permission === 'crossTenant' || permission === 'operations' || permission === 'metrics')
    return principal.tenant === ALL_TENANTS ? 'allowed' : 'forbidden';
  if (tenant === null) return 'forbidden';
  return principal.tenant === ALL_TENANTS || principal.tenant === tenant ? 'allowed' : 'forbidden';
}

/** The roles a permission admits, for messages and the OpenAPI description. */
export function rolesFor(permission: Permission): readonly Role[] {
  return GRANTS[permission];
}
