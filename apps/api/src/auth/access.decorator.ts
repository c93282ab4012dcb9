import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Permission, rolesFor } from '@app/access';

export const ACCESS_METADATA = 'licensing:access';

/**
 * What a route declares about who may call it. `whenQuery` raises the permission when a query parameter is
 * present: `GET /licenses?asOf=` is an audit replay, `GET /licenses` a query.
 */
export type AccessRule =
  { kind: 'public' } | { kind: 'permission'; permission: Permission; whenQuery: Partial<Record<string, Permission>> };

function declareAccess(permission: Permission, whenQuery: Partial<Record<string, Permission>> = {}) {
  const rule: AccessRule = { kind: 'permission', permission, whenQuery };
  const roles = [permission, ...Object.values(whenQuery)]
    .map((each) => `${each}: ${rolesFor(each as Permission).join(', ')}`)
    .join('; ');
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, rule),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({
      description:
        'unauthenticated: no credential, or one that is unknown, expired or malformed (WWW-Authenticate: Bearer)',
    }),
    ApiForbiddenResponse({
      description: `forbidden: the credential's role or tenant does not cover this route (${roles})`,
    }),
  );
}

/**
 * `@Access(Access.ledgerCommands)` on a controller or route: the §6 permission a caller needs, judged by the
 * global `AccessGuard` against the credential's role and the route's `:tenantId`. A route without `@Access` or
 * `@Public` is refused (and the application does not start), so no route is ever open by accident.
 */
export const Access = Object.assign(declareAccess, {
  packages: 'packages',
  ledgerCommands: 'ledgerCommands',
  metering: 'metering',
  systemEvents: 'systemEvents',
  queries: 'queries',
  audit: 'audit',
  crossTenant: 'crossTenant',
  metrics: 'metrics',
  operations: 'operations',
} as const satisfies Record<Permission, Permission>);

/** A route anyone may call (`/health`, documentation, static files): a credential, if sent, is still read. */
export const Public = () => SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessRule);
