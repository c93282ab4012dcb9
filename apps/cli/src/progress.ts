import { Presets, SingleBar } from 'cli-progress';

/**
 * A progress bar on stderr (stdout stays clean for the command's answer), started on the first update. It draws
 * only on a terminal: piped or in tests, nothing is written.
 */
export function progressBar(label: string, unit: string) {
  const bar = new SingleBar(
    { format: `${label} {bar} {percentage}% | ${unit} {value}/{total} | {eta_formatted} left`, etaBuffer: 50 },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(value: number, total: number): void {
      if (!started) bar.start(Math.max(total, value), 0);
      started = true;
      bar.setTotal(Math.max(total, value));
      bar.update(value);
    },
    stop(): void {
      if (started) bar.stop();
      started = false;
    },
  };
}
