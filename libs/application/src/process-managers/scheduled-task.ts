/**
 * Runs a task at start (once `ready` resolves) and then every `intervalMs` after the previous run ended. A failed
 * run is reported and the next one comes at the usual time. Timers do not keep the process alive.
 */
export class ScheduledTask {
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly options: { onError: (error: unknown) => void; ready?: () => Promise<unknown> },
  ) {}

  start(): void {
    this.stopped = false;
    // Not being ready in time is reported, and the task runs anyway: better a check on a lagging read model than none.
    this.current = Promise.resolve()
      .then(() => this.options.ready?.())
      .catch(this.options.onError)
      .then(() => this.tick());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.task();
    } catch (error) {
      this.options.onError(error);
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => (this.current = this.tick()), this.intervalMs);
    this.timer.unref();
  }
}
