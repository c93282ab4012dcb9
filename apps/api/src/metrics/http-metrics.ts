import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Counter, Histogram, Registry } from 'prom-client';
import { METRIC_PREFIX } from '@app/metrics';
import { METRICS_REGISTRY } from './metrics.tokens';

/**
 * HTTP requests by method, route (the route's template, never the raw URL, so tenant and user ids do not explode the
 * label set) and status, with their durations. Unmatched URLs count under route `unmatched`.
 */
export function useHttpMetrics(app: NestFastifyApplication): void {
  const registry = app.get<Registry>(METRICS_REGISTRY);
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: `${METRIC_PREFIX}http_requests_total`,
    help: 'HTTP requests answered',
    labelNames,
    registers: [registry],
  });
  const durations = new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'time from request to answer',
    labelNames,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', async (request, reply) => {
      const labels = {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      };
      requests.inc(labels);
      durations.observe(labels, reply.elapsedTime / 1000);
    });
}
