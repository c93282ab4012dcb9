import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '@app/event-store';
import type { FastifyReply } from 'fastify';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @ApiOkResponse({ description: 'The service and its event store are up.' })
  @ApiServiceUnavailableResponse({ description: 'The event store is down; the body says why.' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const eventStore = await this.store.health();
    const status = eventStore.status === 'up' ? 'ok' : 'unavailable';
    reply.status(status === 'ok' ? 200 : 503);
    return { status, eventStore };
  }
}
