import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { SystemEventsFeedQuery } from '@app/application';
import { isStatus, SYSTEM_EVENT_STATUSES, SystemEventFeedPage, SystemEventStatus } from '@app/domain';
import { TenantId } from '../../common/id-params';
import { parseMinPosition } from '../../common/min-position-param';
import { ApiPageQuery, badParameter, foreignCursor, limitOf } from '../../common/page-params';
import { ApiAnswer, ApiProblems } from '../../openapi/api-decorators';
import { Access } from '../../auth/access.decorator';

@ApiTags('queries')
@Controller('v1/tenants/:tenantId/system-events')
export class SystemEventsFeedController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @Access(Access.queries)
  @ApiQuery({ name: 'status', required: false, enum: SYSTEM_EVENT_STATUSES })
  @ApiPageQuery()
  @ApiQuery({
    name: 'minPosition',
    required: false,
    description:
      'wait (a few seconds at most) until the feed has reached this position, including the notices the events up to it raise',
  })
  @ApiAnswer(200, 'SystemEventFeedPage', 'the status feed, newest first')
  @ApiProblems('read-model-behind', 'projection-failed', 'process-manager-failed')
  async feed(
    @TenantId() tenantId: string,
    @Query('status') status?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('minPosition') minPosition?: string,
  ): Promise<SystemEventFeedPage> {
    const options = { status: statusOf(status), limit: limitOf(limit), cursor };
    const page = await this.queryBus.execute(
      new SystemEventsFeedQuery(tenantId, options, parseMinPosition(minPosition)),
    );
    if (!page) throw foreignCursor('feed');
    return page;
  }
}

function statusOf(status: string | undefined): SystemEventStatus | undefined {
  if (status === undefined || status === '') return undefined;
  if (!isStatus(status)) throw badParameter('status', `one of ${SYSTEM_EVENT_STATUSES.join(', ')}`);
  return status;
}
