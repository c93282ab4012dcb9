import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access.decorator';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics.tokens';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  // Reader role or above, over every tenant (`*`): the figures aggregate all tenants; not public.
  @Access(Access.metrics)
  @ApiProduces('text/plain')
  @ApiResponse({
    status: 200,
    description:
      'Prometheus text exposition: commands, appends, positions and lag, HTTP requests, Node (all under licensing_)',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this.registry.contentType);
    return this.registry.metrics();
  }
}
