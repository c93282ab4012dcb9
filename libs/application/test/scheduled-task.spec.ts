import { ScheduledTask } from '../src';

describe('ScheduledTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs at start once ready, then every interval after the previous run, and goes on after a failed run', async () => {
    const runs: number[] = [];
    const errors: unknown[] = [];
    let fail = false;
    const task = new ScheduledTask(
      async () => {
        runs.push(Date.now());
        if (fail) throw new Error('store unavailable');
      },
      86_400_000,
      { onError: (error) => errors.push(error), ready: async () => undefined },
    );
    const start = Date.now();
    task.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toEqual([start]);
    await jest.advanceTimersByTimeAsync(86_399_999);
    expect(runs).toHaveLength(1);
    fail = true;
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toEqual([start, start + 86_400_000]);
    expect(errors).toEqual([new Error('store unavailable')]);
    fail = false;
    await jest.advanceTimersByTimeAsync(86_400_000);
    expect(runs).toHaveLength(3);
    await task.stop();
    await jest.advanceTimersByTimeAsync(10 * 86_400_000);
    expect(runs).toHaveLength(3);
  });

  it('runs even when getting ready failed, and reports why', async () => {
    const runs: string[] = [];
    const errors: unknown[] = [];
    const task = new ScheduledTask(async () => runs.push('ran'), 1000, {
      onError: (error) => errors.push(error),
      ready: async () => Promise.reject(new Error('read model behind')),
    });
    task.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toEqual(['ran']);
    expect(errors).toEqual([new Error('read model behind')]);
    await task.stop();
  });
});

describe('stopping a ScheduledTask', () => {
  it('does not wait for a ready that never comes, and then never runs', async () => {
    const runs: string[] = [];
    let becomeReady!: () => void;
    const task = new ScheduledTask(async () => runs.push('ran'), 1000, {
      onError: () => undefined,
      ready: () => new Promise<void>((resolve) => (becomeReady = resolve)),
    });
    task.start();
    await task.stop();
    becomeReady();
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toEqual([]);
  });

  it('waits for a run under way', async () => {
    let finish!: () => void;
    const events: string[] = [];
    const task = new ScheduledTask(
      () => new Promise<void>((resolve) => (finish = () => (events.push('run finished'), resolve()))),
      1000,
      { onError: () => undefined },
    );
    task.start();
    await new Promise((resolve) => setImmediate(resolve));
    const stopping = task.stop().then(() => events.push('stopped'));
    finish();
    await stopping;
    expect(events).toEqual(['run finished', 'stopped']);
  });
});
