import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunnerObserver } from '@app/application';
import { METRIC_PREFIX } from './metrics-registry';

/** Commands by type and outcome, append latency and runner cache sizes: what the command runners report. */
export class CommandMetrics implements RunnerObserver {
  private readonly commands: Counter<'runner' | 'command' | 'outcome' | 'code'>;
  private readonly appends: Histogram<'runner'>;
  private readonly appendedEvents: Counter<'runner'>;
  private readonly caches = new Map<string, () => number>();

  constructor(registry: Registry) {
    this.commands = new Counter({
      name: `${METRIC_PREFIX}commands_total`,
      help: 'commands by type and outcome: recorded, repeated (an idempotent retry), refused (by code), failed',
      labelNames: ['runner', 'command', 'outcome', 'code'],
      registers: [registry],
    });
    this.appends = new Histogram({
      name: `${METRIC_PREFIX}event_store_append_seconds`,
      help: 'time of one append to the event store (one append records every command of a turn)',
      labelNames: ['runner'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.appendedEvents = new Counter({
      name: `${METRIC_PREFIX}events_appended_total`,
      help: 'events appended by the command runners',
      labelNames: ['runner'],
      registers: [registry],
    });
    const caches = this.caches;
    new Gauge({
      name: `${METRIC_PREFIX}runner_cached_streams`,
      help: 'streams whose state a command runner holds in memory',
      labelNames: ['runner'],
      registers: [registry],
      collect() {
        for (const [runner, size] of caches) this.set({ runner }, size());
      },
    });
  }

  commandSettled(
    runner: string,
    command: string,
    outcome: 'recorded' | 'repeated' | 'refused' | 'failed',
    code = '',
  ): void {
    this.commands.inc({ runner, command, outcome, code });
  }

  appended(runner: string, seconds: number, events: number): void {
    this.appends.observe({ runner }, seconds);
    this.appendedEvents.inc({ runner }, events);
  }

  watch(runner: string, cachedStreams: () => number): void {
    this.caches.set(runner, cachedStreams);
  }
}
