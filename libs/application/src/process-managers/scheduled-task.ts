/**
 * Runs a task at start (once `ready` resolves) and then every `intervalMs` after the previous run ended. A failed
 * run is reported and the next one comes at the usual time. Timers do not keep the process alive.
 */
export class ScheduledTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly options: { onError: (error: unknown) => void; ready?: () => Promise<unknown> },
  ) {}

  start(): void {
    this.stopped = false;
    // Not being ready in time is reported, and the task runs anyway: better a check on a lagging read model than none.
    void Promise.resolve()
      .then(() => this.options.ready?.())
      .catch((error: unknown) => {
        if (!this.stopped) this.options.onError(error);
      })
      .then(() => this.run());
  }

  /** Waits for a run under way (its commands must not be cut off), not for `ready`. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private run(): void {
    if (this.stopped) return;
    this.running = this.task()
      .then(
        () => undefined,
        (error: unknown) => this.options.onError(error),
      )
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        this.timer = setTimeout(() => this.run(), this.intervalMs);
        this.timer.unref();
      });
  }
}
