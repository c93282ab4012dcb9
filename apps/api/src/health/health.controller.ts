import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiAnswer } from '../openapi/api-decorators';
import { EVENT_STORE, EventStore } from '@app/event-store';
import type { ProcessManagerRuntime } from '@app/application';
import { PROJECTION_POSITIONS, ProjectionPositions } from '@app/projections';
// The port only: the barrel also exports the adapters and their errors, which no controller may name.
import { READ_MODEL_STORE, ReadModelStore } from '@app/read-models/read-model-store.port';
import { NOTICE_RUNTIME } from '../system-events/system-events.tokens';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../auth/request-principal';
import { Public } from '../auth/access.decorator';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_POSITIONS) private readonly projections: ProjectionPositions,
    @Inject(NOTICE_RUNTIME) private readonly notices: ProcessManagerRuntime,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
  ) {}

  @Get()
  @Public()
  @ApiAnswer(
    200,
    'Health',
    'The service and its event store are up (status ok, or degraded when a projection stopped): {status}; with an admin credential also the event store, projections and process managers with their positions.',
  )
  @ApiAnswer(503, 'Health', 'The event store is down; the body says why.')
  async health(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const eventStore = await this.store.health();
    const projectionsFailed = Boolean(this.projections.failed);
    const noticesFailed = Boolean(this.notices.failed);
    // Read models that are gone (the embedded file deleted underneath) leave queries answering from nothing.
    const readModels = await this.readModels.health();
    const status =
      eventStore.status !== 'up'
        ? 'unavailable'
        : projectionsFailed || noticesFailed || readModels.status !== 'up'
          ? 'degraded'
          : 'ok';
    reply.status(status === 'unavailable' ? 503 : 200);
    // Public for probes, but positions and store details are for administrators only (DESIGN.md §6).
    if (principalOf(request)?.role !== 'admin') return { status };
    const projections = (await this.projections.states()).map(({ name, position }) => ({
      name,
      position: position === null ? null : position.toString(),
    }));
    // Where the API does not project, the positions are the projector's stored checkpoints; it reports its own failures.
    const runIn = this.projections.projectsHere ? 'api' : 'projector';
    const processManagers = this.notices
      .states()
      .map(({ name, position }) => ({ name, position: position === null ? null : position.toString() }));
    return {
      status,
      eventStore,
      readModels,
      projections: { runIn, failed: projectionsFailed, positions: projections },
      processManagers: { failed: noticesFailed, positions: processManagers },
    };
  }
}
