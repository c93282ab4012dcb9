/**
 * What a signed-in credential may do, as the console shows it (DESIGN.md §6's table). The console only hides what a
 * role may not do; every route still judges the credential itself.
 */
export const CONSOLE_ROLES = ['admin', 'service', 'reader', 'auditor'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export interface ConsolePrincipal {
  actor: string;
  role: ConsoleRole;
  /** One tenant id, or `*`. */
  tenant: string;
  via: 'api-key' | 'token' | 'open';
}

const MAY: Record<string, readonly ConsoleRole[]> = {
  activatePackages: ['admin'],
  assignLicenses: ['admin', 'service'],
  recordUsage: ['admin', 'service'],
  manageSystemEvents: ['admin', 'service'],
  query: ['admin', 'service', 'reader', 'auditor'],
  audit: ['admin', 'auditor'],
  listTenants: ['admin', 'auditor'],
};

export function permissionsOf(principal: ConsolePrincipal): Record<string, boolean> {
  return Object.fromEntries(
    Object.entries(MAY).map(([permission, roles]) => [permission, roles.includes(principal.role) && (permission !== 'listTenants' || principal.tenant === '*')]),
  );
}
