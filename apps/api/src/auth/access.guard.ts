import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  authorize,
  bearerCredential,
  CredentialVerifier,
  OPEN_ACCESS_PRINCIPAL,
  Permission,
  Principal,
} from '@app/access';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../problem/problem';
import { ACCESS_METADATA, AccessRule } from './access.decorator';
import { CREDENTIAL_VERIFIER } from './access.tokens';
import { setPrincipal } from './request-principal';

/**
 * The one guard of every route: reads the route's `@Access`/`@Public` declaration, authenticates the bearer
 * credential, and authorises its role and tenant scope against the route's `:tenantId`. It runs before pipes and
 * handlers, so a refused request reaches no command and writes nothing.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(CREDENTIAL_VERIFIER) private readonly verifier: CredentialVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rule === undefined) {
      // Never open by accident: a route that says nothing about access is served to nobody.
      throw ProblemException.of(
        500,
        'access-undeclared',
        'Access not declared',
        `${context.getClass().name}.${context.getHandler().name} declares no access (@Access or @Public)`,
      );
    }
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (rule.kind === 'public') {
      // A public route still learns who calls, when it can (the health details are for administrators).
      const principal = await this.principal(request).catch((error: unknown) =>
        error instanceof ProblemException ? undefined : Promise.reject(error),
      );
      if (principal) setPrincipal(request, principal);
      return true;
    }
    const principal = await this.principal(request);
    const permission = permissionFor(rule, request);
    const tenant = (request.params as Record<string, string | undefined>).tenantId ?? null;
    if (authorize(principal, permission, tenant) === 'forbidden') {
      throw ProblemException.of(403, 'forbidden', 'Forbidden', forbiddenDetail(principal, permission, tenant));
    }
    setPrincipal(request, principal);
    return true;
  }

  private async principal(request: FastifyRequest): Promise<Principal> {
    if (this.verifier.open) return OPEN_ACCESS_PRINCIPAL;
    const credential = bearerCredential(request.headers.authorization);
    if (credential === undefined) throw unauthenticated('this route needs Authorization: Bearer <API key or token>');
    if (credential === null) throw unauthenticated('the Authorization header is not of the form Bearer <credential>');
    const principal = await this.verifier.verify(credential);
    // One answer for unknown, expired and malformed: the caller learns nothing about which keys exist.
    if (principal === null) throw unauthenticated('the credential is unknown, expired or not valid here');
    return principal;
  }
}

function permissionFor(rule: Extract<AccessRule, { kind: 'permission' }>, request: FastifyRequest): Permission {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const raised = Object.entries(rule.whenQuery).find(([name]) => query[name] !== undefined);
  return raised?.[1] ?? rule.permission;
}

function unauthenticated(detail: string): ProblemException {
  return ProblemException.of(401, 'unauthenticated', 'Unauthenticated', detail);
}

function forbiddenDetail(principal: Principal, permission: Permission, tenant: string | null): string {
  const scope = principal.tenant === '*' ? 'every tenant' : `tenant ${principal.tenant}`;
  const target =
    permission === 'crossTenant'
      ? 'listings across tenants'
      : permission === 'metrics'
        ? 'metrics (all tenants)'
        : `${permission} of tenant ${tenant ?? '(none)'}`;
  return `${principal.actor} (${principal.role} for ${scope}) may not use ${target}`;
}
