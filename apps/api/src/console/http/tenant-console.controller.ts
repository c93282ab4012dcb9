import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiProblems } from '../../openapi/api-decorators';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  ConsoleQueries,
  MeteringQueries,
  meteringTotalsProjection,
  packageHistoryProjection,
  SystemEventsQueries,
  systemEventsFeedProjection,
} from '@app/projections';
import { Access } from '../../auth/access.decorator';
import { TenantId } from '../../common/id-params';
import { ProblemException } from '../../problem/problem';
import { awaitMinPosition } from '../../queries/min-position';
import {
  CONSOLE_QUERIES,
  METERING_QUERIES,
  PROJECTION_POSITIONS,
  ProjectionPositions,
} from '../../queries/projections.tokens';
import { systemEventKeyOf } from '../../system-events/http/system-event-key';
import { SYSTEM_EVENTS_QUERIES } from '../../system-events/system-events.tokens';
import { badParameter, LIMIT_DESCRIPTION, limitOf } from './page-params';

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
  constructor(
    @Inject(CONSOLE_QUERIES) private readonly queries: ConsoleQueries,
    @Inject(METERING_QUERIES) private readonly metering: MeteringQueries,
    @Inject(SYSTEM_EVENTS_QUERIES) private readonly systemEvents: SystemEventsQueries,
    @Inject(PROJECTION_POSITIONS) private readonly positions: ProjectionPositions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('license-packages')
  @ApiQuery({ name: 'limit', required: false, description: LIMIT_DESCRIPTION })
  @ApiQuery({ name: 'cursor', required: false, description: 'the nextCursor of the previous page' })
  @ApiAnswer(200, 'PackageHistoryPage', "the tenant's activations and rejections, newest first")
  @ApiProblems('bad-request', 'read-model-behind', 'projection-failed')
  async packages(
    @TenantId() tenantId: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('minPosition') minPosition?: string,
  ) {
    const options = { limit: limitOf(limit), cursor };
    await this.wait(packageHistoryProjection.name, minPosition);
    const page = await this.queries.packages(tenantId, options);
    if (!page) throw badParameter('cursor', 'not a cursor this list handed out; start again without one');
    return page;
  }

  @Get('metering')
  @ApiAnswer(200, 'MeteringMonths', 'every month with usage, with its totals against the thresholds')
  @ApiProblems('bad-request', 'read-model-behind', 'projection-failed')
  async months(@TenantId() tenantId: string, @Query('minPosition') minPosition?: string) {
    await this.wait(meteringTotalsProjection.name, minPosition);
    return { months: await this.metering.months(tenantId) };
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
    await this.wait(systemEventsFeedProjection.name, minPosition);
    const event = await this.systemEvents.live(tenantId, key);
    if (!event)
      throw ProblemException.of(
        404,
        'system-event-not-found',
        'System event not found',
        `no live system event ${eventKey} with scope ${key.scope}${key.owner ? ` and owner ${key.owner}` : ''}`,
      );
    return event;
  }

  private wait(projection: string, minPosition: string | undefined): Promise<void> {
    return awaitMinPosition(this.positions, [projection], minPosition, this.config.projections.minPositionTimeoutMs);
  }
}
