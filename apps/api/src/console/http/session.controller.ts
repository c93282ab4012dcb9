import { Controller, Get, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { authorize, Permission, PERMISSIONS } from '@app/access';
import { Access } from '../../auth/access.decorator';
import { principalOf } from '../../auth/request-principal';
import { TenantId } from '../../common/id-params';
import { ApiAnswer } from '../../openapi/api-decorators';

/** The console's names for the §6 permissions it shows or hides. */
const CONSOLE_NAMES: Record<Permission, string> = {
  packages: 'activatePackages',
  ledgerCommands: 'assignLicenses',
  metering: 'recordUsage',
  systemEvents: 'manageSystemEvents',
  queries: 'query',
  audit: 'audit',
  crossTenant: 'listTenants',
  operations: 'operations',
  metrics: 'metrics',
};

/**
 * Who the console is signed in as, and what that credential may do for this tenant — judged by the same `authorize`
 * as every route, so the console hides exactly what the server would refuse (and the server still refuses it).
 */
@ApiTags('queries')
@Controller('v1/tenants/:tenantId')
export class SessionController {
  @Get('session')
  @Access(Access.queries)
  @ApiAnswer(200, 'ConsoleSession', 'who the credential is, and what it may do for this tenant')
  session(@TenantId() tenantId: string, @Req() request: FastifyRequest) {
    const principal = principalOf(request);
    if (principal === undefined) throw new Error('no principal on a guarded route');
    const may = Object.fromEntries(
      PERMISSIONS.map((permission) => [
        CONSOLE_NAMES[permission],
        authorize(principal, permission, tenantId) === 'allowed',
      ]),
    );
    return {
      tenantId,
      actor: principal.actor,
      role: principal.role,
      tenant: principal.tenant,
      via: principal.via,
      may,
    };
  }
}
