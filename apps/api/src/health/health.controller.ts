import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '@app/event-store';
import type { ProcessManagerRuntime } from '@app/application';
import type { ProjectionEngine } from '@app/projections';
import { PROJECTION_ENGINE } from '../queries/projections.tokens';
import { NOTICE_RUNTIME } from '../system-events/system-events.tokens';
import type { FastifyReply } from 'fastify';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_ENGINE) private readonly projections: ProjectionEngine,
    @Inject(NOTICE_RUNTIME) private readonly notices: ProcessManagerRuntime,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'The service and its event store are up.' })
  @ApiServiceUnavailableResponse({ description: 'The event store is down; the body says why.' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const eventStore = await this.store.health();
    const projectionsFailed = Boolean(this.projections.failed);
    const noticesFailed = Boolean(this.notices.failed);
    const status = eventStore.status !== 'up' ? 'unavailable' : projectionsFailed || noticesFailed ? 'degraded' : 'ok';
    reply.status(status === 'unavailable' ? 503 : 200);
    const projections = this.projections.states().map(({ name, position }) => ({ name, position: position === null ? null : position.toString() }));
    const processManagers = this.notices.states().map(({ name, position }) => ({ name, position: position === null ? null : position.toString() }));
    return { status, eventStore, projections: { failed: projectionsFailed, positions: projections }, processManagers: { failed: noticesFailed, positions: processManagers } };
  }
}
