import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import { NOTICE_RUNTIME, ProcessManagerRuntime, RUNNER_OBSERVER } from '@app/application';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { CommandMetrics, createMetricsRegistry, registerPositionMetrics } from '@app/metrics';
import { PROJECTION_POSITIONS, ProjectionPositions } from '@app/projections';
import type { Registry } from 'prom-client';
import { MetricsController } from './metrics.controller';
import { METRICS_REGISTRY } from './metrics.tokens';

/**
 * Prometheus metrics of the API at /metrics: the runners report commands and appends through RUNNER_OBSERVER; the
 * positions are read from the store, the projections and the notices at each scrape. HTTP metrics: http-metrics.ts.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry },
    {
      provide: RUNNER_OBSERVER,
      useFactory: (registry: Registry) => new CommandMetrics(registry),
      inject: [METRICS_REGISTRY],
    },
  ],
  exports: [METRICS_REGISTRY, RUNNER_OBSERVER],
})
export class MetricsModule implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_POSITIONS) private readonly projections: ProjectionPositions,
    @Inject(NOTICE_RUNTIME) private readonly notices: ProcessManagerRuntime,
  ) {}

  onModuleInit(): void {
    registerPositionMetrics(this.registry, {
      head: () => this.store.headPosition(),
      projections: () => this.projections.states(),
      processManagers: () => this.notices.states(),
    });
  }
}
