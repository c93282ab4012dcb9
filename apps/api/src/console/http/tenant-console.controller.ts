import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { LiveSystemEventQuery, MeteringMonthsQuery, PackageHistoryQuery } from '@app/application';
import { ApiAnswer, ApiProblems } from '../../openapi/api-decorators';
import { Access } from '../../auth/access.decorator';
import { TenantId } from '../../common/id-params';
import { parseMinPosition } from '../../common/min-position-param';
import { ApiPageQuery, foreignCursor, limitOf } from '../../common/page-params';
import { ProblemException } from '../../problem/problem';
import { systemEventKeyOf } from '../../system-events/http/system-event-key';

/** The tenant's lists the console reads besides the ledger's: its packages, its metering months, one system event. */
@ApiTags('queries')
@Access(Access.queries)
@ApiQuery({
  name: 'minPosition',
  required: false,
  description: 'wait (a few seconds at most) until the read model has reached this position',
})
@Controller('v1/tenants/:tenantId')
export class TenantConsoleController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('license-packages')
  @ApiPageQuery()
  @ApiAnswer(200, 'PackageHistoryPage', "the tenant's activations and rejections, newest first")
  @ApiProblems('bad-request', 'read-model-behind', 'projection-failed')
  async packages(
    @TenantId() tenantId: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('minPosition') minPosition?: string,
  ) {
    const page = { limit: limitOf(limit), cursor };
    const answer = await this.queryBus.execute(new PackageHistoryQuery(tenantId, page, parseMinPosition(minPosition)));
    if (!answer) throw foreignCursor('list');
    return answer;
  }

  @Get('metering')
  @ApiAnswer(200, 'MeteringMonths', 'every month with usage, with its totals against the thresholds')
  @ApiProblems('bad-request', 'read-model-behind', 'projection-failed')
  months(@TenantId() tenantId: string, @Query('minPosition') minPosition?: string) {
    return this.queryBus.execute(new MeteringMonthsQuery(tenantId, parseMinPosition(minPosition)));
  }

  @Get('system-events/:eventKey')
  @ApiQuery({ name: 'scope', required: true, enum: [1, 2, 3, 4] })
  @ApiQuery({ name: 'owner', required: false, description: 'the group (scope 3) or user (scope 4)' })
  @ApiAnswer(200, 'SystemEventFeedItem', 'the live system event with this (eventKey, scope, owner)')
  @ApiProblems('bad-request', 'system-event-not-found', 'read-model-behind', 'projection-failed')
  async systemEvent(
    @TenantId() tenantId: string,
    @Param('eventKey') eventKey: string,
    @Query('scope') scope?: string,
    @Query('owner') owner?: string,
    @Query('minPosition') minPosition?: string,
  ) {
    const key = systemEventKeyOf(eventKey, scope, owner);
    const event = await this.queryBus.execute(new LiveSystemEventQuery(tenantId, key, parseMinPosition(minPosition)));
    if (!event)
      throw ProblemException.of(
        404,
        'system-event-not-found',
        'System event not found',
        `no live system event ${eventKey} with scope ${key.scope}${key.owner ? ` and owner ${key.owner}` : ''}`,
      );
    return event;
  }
}
