import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { TenantEventsQuery, VerifyTenantQuery } from '@app/application';
import { TenantId } from '../../common/id-params';
import { ApiAnswer, ApiProblems } from '../../openapi/api-decorators';
import { ProblemException } from '../../problem/problem';
import { fromPositionParam, limitParam, MAX_EVENTS_LIMIT } from './audit-params';
import { Access } from '../../auth/access.decorator';

@ApiTags('audit')
@Controller('v1/tenants/:tenantId')
export class AuditController {
  constructor(private readonly queries: QueryBus) {}

  @Get('events')
  @Access(Access.audit)
  @ApiQuery({
    name: 'fromPosition',
    required: false,
    description: 'global position to start at (inclusive); default 0',
  })
  @ApiQuery({ name: 'limit', required: false, description: `events per page, 1–${MAX_EVENTS_LIMIT}; default 100` })
  @ApiAnswer(200, 'TenantEventsPage', 'every stream of the tenant, in global order')
  events(@TenantId() tenantId: string, @Query('fromPosition') fromPosition?: string, @Query('limit') limit?: string) {
    return this.queries.execute(new TenantEventsQuery(tenantId, fromPositionParam(fromPosition), limitParam(limit)));
  }

  @Get('audit/verify')
  @Access(Access.audit)
  @ApiAnswer(200, 'VerificationReport', 'hash chains, package signatures and trust, with each problem located')
  @ApiProblems('unknown-tenant')
  async verify(@TenantId() tenantId: string) {
    const report = await this.queries.execute(new VerifyTenantQuery(tenantId));
    if (!report)
      throw ProblemException.of(404, 'unknown-tenant', 'Unknown tenant', 'no event is recorded for this tenant');
    return report;
  }
}
