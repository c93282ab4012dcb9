import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * Prometheus metrics of the API and the projector, every name under `licensing_`. Each process (and each app a test
 * starts) has its own registry, never prom-client's global one, so two apps in one process do not collide.
 */
export const METRIC_PREFIX = 'licensing_';

/** A registry with Node's default metrics (CPU, memory, event-loop lag, GC, handles), prefixed `licensing_`. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}

export interface NamedPosition {
  name: string;
  position: bigint | null;
}

/** Where the positions are read at each scrape. */
export interface PositionSources {
  head(): Promise<bigint | null>;
  projections(): Promise<NamedPosition[]>;
  processManagers(): NamedPosition[] | Promise<NamedPosition[]>;
}

/**
 * The event store's head, and each projection's and process manager's position and lag (head minus position, in
 * the store's position units: events for the embedded store, log bytes for KurrentDB), read when scraped.
 */
export function registerPositionMetrics(registry: Registry, sources: PositionSources): void {
  // One read of the sources per scrape: the gauges are collected concurrently and share the read in flight.
  let inFlight: Promise<{ head: bigint; projections: NamedPosition[]; managers: NamedPosition[] }> | null = null;
  const snapshot = () =>
    (inFlight ??= Promise.all([sources.head(), sources.projections(), sources.processManagers()])
      .then(([head, projections, managers]) => ({ head: head ?? 0n, projections, managers }))
      .finally(() => (inFlight = null)));
  const gauge = (
    name: string,
    help: string,
    label: string | null,
    set: (gauge: Gauge, read: Awaited<ReturnType<typeof snapshot>>) => void,
  ) =>
    new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: label ? [label] : [],
      registers: [registry],
      async collect() {
        set(this, await snapshot());
      },
    });
  const positionOf = (position: bigint | null) => (position === null ? -1 : Number(position));
  const lagOf = (head: bigint, position: bigint | null) => Number(head - (position ?? 0n));
  gauge('event_store_head_position', 'global position of the last event in the store', null, (g, read) =>
    g.set(Number(read.head)),
  );
  gauge('projection_position', 'last position a projection has committed (-1: none yet)', 'projection', (g, read) => {
    for (const { name, position } of read.projections) g.set({ projection: name }, positionOf(position));
  });
  gauge('projection_lag', 'head position minus the projection position', 'projection', (g, read) => {
    for (const { name, position } of read.projections) g.set({ projection: name }, lagOf(read.head, position));
  });
  gauge(
    'process_manager_position',
    'last position a process manager has handled (-1: none yet)',
    'process_manager',
    (g, read) => {
      for (const { name, position } of read.managers) g.set({ process_manager: name }, positionOf(position));
    },
  );
  gauge('process_manager_lag', 'head position minus the process manager position', 'process_manager', (g, read) => {
    for (const { name, position } of read.managers) g.set({ process_manager: name }, lagOf(read.head, position));
  });
}
