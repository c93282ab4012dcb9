import { Controller, Get, Inject, Logger, OnModuleDestroy, Req, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { belongsToTenant, tenantStreamPrefixes } from '@app/audit';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Access } from '../../auth/access.decorator';
import { TenantId } from '../../common/id-params';

/** How often an idle stream sends a comment, so that proxies and browsers keep the connection open. */
const HEARTBEAT_MS = 15_000;

/**
 * `GET /v1/tenants/{tenantId}/positions`: server-sent events, one `position` event per new event of the tenant.
 * The console re-reads what it shows with `?minPosition=` that position, so its screens follow every change
 * without a polling loop. The credential travels in the Authorization header like any other request (the console
 * reads the stream with fetch, not EventSource, so no secret ever sits in a URL that gets logged).
 */
@ApiTags('queries')
@Access(Access.queries)
@Controller('v1/tenants/:tenantId')
export class PositionsController implements OnModuleDestroy {
  private readonly logger = new Logger(PositionsController.name);
  /** Open streams, ended when the application closes: an open response would otherwise hold the server's close. */
  private readonly open = new Set<() => void>();

  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  @Get('positions')
  @ApiResponse({
    status: 200,
    content: { 'text/event-stream': { schema: { type: 'string' } } },
    description:
      'text/event-stream: first `event: ready` with `{position}` (the head when the stream started, null for an empty store), then `event: position` with `{position, stream, type}` for each new event of the tenant',
  })
  async positions(
    @TenantId() tenantId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const head = await this.events.headPosition();
    const subscription = this.events.subscribeToAll({
      afterPosition: head ?? undefined,
      filter: { streamPrefix: tenantStreamPrefixes(tenantId) },
    });
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(`event: ready\ndata: ${JSON.stringify({ position: head === null ? null : String(head) })}\n\n`);
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      this.open.delete(end);
      subscription
        .stop()
        .catch((error: unknown) => this.logger.error({ err: error }, 'stopping a positions subscription failed'));
      raw.end();
    };
    this.open.add(end);
    request.raw.on('close', end);
    const forward = async () => {
      for await (const event of subscription) {
        if (ended) break;
        // The prefixes cannot tell Cust1 from Cust12; the whole name can.
        if (!belongsToTenant(event.stream, tenantId)) continue;
        raw.write(
          `event: position\nid: ${event.position}\ndata: ${JSON.stringify({ position: String(event.position), stream: event.stream, type: event.type })}\n\n`,
        );
      }
    };
    forward().then(end, (error: unknown) => {
      this.logger.error({ err: error }, `positions stream of ${tenantId} failed`);
      end();
    });
  }

  onModuleDestroy(): void {
    for (const end of [...this.open]) end();
  }
}
