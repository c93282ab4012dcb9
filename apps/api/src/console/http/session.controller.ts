import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { TenantId } from '../../common/id-params';
import { ConsolePrincipal, permissionsOf } from '../console-permissions';

/**
 * Until access control is wired the service runs open (DESIGN.md §6): every caller is the anonymous administrator
 * of every tenant. Once it is, this is the principal the guard established for the request.
 */
function principalOf(_request: FastifyRequest): ConsolePrincipal {
  return { actor: 'anonymous', role: 'admin', tenant: '*', via: 'open' };
}

/** Who the console is signed in as, and what that credential may do here (the console hides the rest). */
@ApiTags('queries')
@Controller('v1/tenants/:tenantId')
export class SessionController {
  @Get('session')
  @ApiOkResponse({
    description:
      '{actor, role, tenant (one id or *), via, may:{activatePackages, assignLicenses, recordUsage, manageSystemEvents, query, audit, listTenants}}',
  })
  session(@TenantId() tenantId: string, @Req() request: FastifyRequest) {
    const principal = principalOf(request);
    return { tenantId, ...principal, may: permissionsOf(principal) };
  }
}
