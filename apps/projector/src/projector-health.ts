import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventStore, EventStoreHealth } from '@app/event-store';
import type { ProjectionState } from '@app/projections';

export interface ProjectorHealth {
  status: 'ok' | 'failed' | 'unavailable';
  eventStore: EventStoreHealth;
  projections: { failed: boolean; error?: string; positions: Array<{ name: string; position: string | null }> };
}

/** The projector's health: its event store, and each projection's live position; failed once a projection failed. */
export async function projectorHealth(events: EventStore, states: ProjectionState[], failure: unknown): Promise<ProjectorHealth> {
  const eventStore = await events.health();
  const failed = failure !== undefined;
  const status = failed ? 'failed' : eventStore.status === 'up' ? 'ok' : 'unavailable';
  return {
    status,
    eventStore,
    projections: {
      failed,
      ...(failed ? { error: failure instanceof Error ? failure.message : String(failure) } : {}),
      positions: states.map(({ name, position }) => ({ name, position: position === null ? null : position.toString() })),
    },
  };
}

/** The projector's Prometheus registry: text and its content type. */
export interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

/**
 * `GET /health` on its own small port, for container health checks: 200 when ok, 503 otherwise; and `GET /metrics`,
 * the projector's Prometheus metrics (positions and lag of its projections and process managers, Node's own).
 */
export async function startHealthServer(
  host: string,
  port: number,
  report: () => Promise<ProjectorHealth>,
  metrics?: MetricsSource,
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (request.method === 'GET' && path === '/metrics' && metrics) {
      metrics.metrics().then(
        (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
        (error: unknown) => response.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${String(error)}`),
      );
      return;
    }
    if (request.method !== 'GET' || path !== '/health') {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
      return;
    }
    report().then(
      (health) => response.writeHead(health.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(health)),
      (error: unknown) => response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'unavailable', error: String(error) })),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${shownHost}:${address.port}/health` };
}
