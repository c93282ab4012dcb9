import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventStore, EventStoreHealth } from '@app/event-store';
import type { ProjectionState } from '@app/projections';
import type { ProcessManagerState } from '@app/application';
import { authorize, bearerCredential, CredentialVerifier } from '@app/access';

export interface ProjectorHealth {
  status: 'ok' | 'failed' | 'unavailable';
  eventStore: EventStoreHealth;
  projections: { failed: boolean; error?: string; positions: Array<{ name: string; position: string | null }> };
  processManagers: { failed: boolean; error?: string; positions: Array<{ name: string; position: string | null }> };
}

/** What failed in the projector, if anything: a projection (the engine) or a notice process manager. */
export interface ProjectorFailures {
  projections?: unknown;
  processManagers?: unknown;
}

/**
 * The projector's health: its event store, each projection's and each notice process manager's live position;
 * failed once either kind failed.
 */
export async function projectorHealth(
  events: EventStore,
  states: { projections: ProjectionState[]; processManagers: ProcessManagerState[] },
  failures: ProjectorFailures,
): Promise<ProjectorHealth> {
  const eventStore = await events.health();
  const failed = failures.projections !== undefined || failures.processManagers !== undefined;
  const status = failed ? 'failed' : eventStore.status === 'up' ? 'ok' : 'unavailable';
  return {
    status,
    eventStore,
    projections: part(states.projections, failures.projections),
    processManagers: part(states.processManagers, failures.processManagers),
  };
}

function part(states: Array<{ name: string; position: bigint | null }>, failure: unknown) {
  return {
    failed: failure !== undefined,
    ...(failure !== undefined ? { error: failure instanceof Error ? failure.message : String(failure) } : {}),
    positions: states.map(({ name, position }) => ({ name, position: position === null ? null : position.toString() })),
  };
}

/** The projector's Prometheus registry: text and its content type. */
export interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

/**
 * `GET /health` on its own small port, for container health checks: 200 when ok, 503 otherwise. Like the API's,
 * it answers only the status, and the details (positions, errors) to an admin credential (DESIGN.md §6).
 * `GET /metrics`: the projector's Prometheus metrics (positions and lag of its projections and process managers,
 * Node's own), for the same credentials as the API's /metrics (any role, scope `*`).
 */
export async function startHealthServer(
  host: string,
  port: number,
  verifier: CredentialVerifier,
  report: () => Promise<ProjectorHealth>,
  metrics?: MetricsSource,
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (request.method === 'GET' && path === '/metrics' && metrics) {
      mayReadMetrics(verifier, request.headers.authorization)
        .then(async (allowed) => {
          if (!allowed)
            return void response
              .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
              .end('metrics need Authorization: Bearer <credential>');
          const text = await metrics.metrics();
          response.writeHead(200, { 'content-type': metrics.contentType }).end(text);
        })
        .catch((error: unknown) =>
          response.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${String(error)}`),
        );
      return;
    }
    if (request.method !== 'GET' || path !== '/health') {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
      return;
    }
    Promise.all([report(), isAdmin(verifier, request.headers.authorization)]).then(
      ([health, admin]) =>
        response
          .writeHead(health.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify(admin ? health : { status: health.status })),
      (error: unknown) =>
        response
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'unavailable', error: String(error) })),
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

/** As the API's /metrics: a credential whose role and scope the `metrics` permission admits (or an open service). */
async function mayReadMetrics(verifier: CredentialVerifier, authorization: string | undefined): Promise<boolean> {
  if (verifier.open) return true;
  const credential = bearerCredential(authorization);
  const principal = credential ? await verifier.verify(credential) : null;
  return principal !== null && authorize(principal, 'metrics', null) === 'allowed';
}

async function isAdmin(verifier: CredentialVerifier, authorization: string | undefined): Promise<boolean> {
  if (verifier.open) return true;
  const credential = bearerCredential(authorization);
  if (!credential) return false;
  // A token that cannot be checked (JWKS unreachable) earns no details, but must not turn the probe's answer into 503.
  return verifier.verify(credential).then(
    (principal) => principal?.role === 'admin',
    () => false,
  );
}
