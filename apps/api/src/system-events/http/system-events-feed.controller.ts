import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ProcessManagerRuntime } from '@app/application';
import { APP_CONFIG, AppConfig } from '@app/config';
import { isStatus, SYSTEM_EVENT_STATUSES, SystemEventStatus } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { SystemEventFeedPage, SystemEventsQueries, systemEventsFeedProjection } from '@app/projections';
import { TenantId } from '../../common/id-params';
import { ApiAnswer, ApiProblems } from '../../openapi/api-decorators';
import { ProblemException } from '../../problem/problem';
import { awaitMinPosition, parseMinPosition } from '../../queries/min-position';
import { PROJECTION_POSITIONS, ProjectionPositions } from '../../queries/projections.tokens';
import { NOTICE_RUNTIME, SYSTEM_EVENTS_QUERIES } from '../system-events.tokens';
import { Access } from '../../auth/access.decorator';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

@ApiTags('queries')
@Controller('v1/tenants/:tenantId/system-events')
export class SystemEventsFeedController {
  constructor(
    @Inject(SYSTEM_EVENTS_QUERIES) private readonly queries: SystemEventsQueries,
    @Inject(PROJECTION_POSITIONS) private readonly projections: ProjectionPositions,
    @Inject(NOTICE_RUNTIME) private readonly notices: ProcessManagerRuntime,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Access(Access.queries)
  @ApiQuery({ name: 'status', required: false, enum: SYSTEM_EVENT_STATUSES })
  @ApiQuery({ name: 'limit', required: false, description: `1–${MAX_LIMIT}, default ${DEFAULT_LIMIT}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'the nextCursor of the previous page' })
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
    await this.awaitFeed(minPosition);
    const page = await this.queries.feed(tenantId, options);
    if (!page) throw invalidParameter('cursor', 'not a cursor this feed handed out; start again without one');
    return page;
  }

  /**
   * Read-your-writes, notices included: first until the notices (here, or in the projector) have handled the events
   * up to the position, then until the feed has caught up with what they appended (the store's head by then).
   */
  private async awaitFeed(minPosition: string | undefined): Promise<void> {
    const position = parseMinPosition(minPosition);
    if (position === undefined || position === 0n) return;
    const timeoutMs = this.config.projections.minPositionTimeoutMs;
    if (!(await this.notices.waitFor(position, timeoutMs))) {
      if (this.notices.failed)
        throw ProblemException.of(
          503,
          'process-manager-failed',
          'Notices stopped',
          'a notice process manager failed and stopped; see the service log',
        );
      throw ProblemException.of(
        503,
        'read-model-behind',
        'Read model behind',
        `the notices did not reach position ${position} within ${timeoutMs} ms; retry`,
        {
          minPosition: String(position),
        },
      );
    }
    const head = await this.events.headPosition();
    const target = head !== null && head > position ? head : position;
    await awaitMinPosition(this.projections, [systemEventsFeedProjection.name], String(target), timeoutMs);
  }
}

function statusOf(status: string | undefined): SystemEventStatus | undefined {
  if (status === undefined || status === '') return undefined;
  if (!isStatus(status)) throw invalidParameter('status', `one of ${SYSTEM_EVENT_STATUSES.join(', ')}`);
  return status;
}

function limitOf(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  const value = Number(limit);
  if (!/^\d+$/.test(limit) || value < 1 || value > MAX_LIMIT)
    throw invalidParameter('limit', `an integer from 1 to ${MAX_LIMIT}`);
  return value;
}

function invalidParameter(field: string, message: string): ProblemException {
  return ProblemException.of(400, 'bad-request', 'Bad request', `${field}: ${message}`, {
    errors: [{ field, messages: [message] }],
  });
}
