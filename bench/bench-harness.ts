/** Small helpers shared by the benchmarks: timing, alternating rounds, and the report table. */

export interface Figure {
  name: string;
  unit: string;
  subject: number;
  baseline: number;
  baselineName: string;
  target?: number;
}

export async function rate(work: () => Promise<number> | number): Promise<number> {
  const started = process.hrtime.bigint();
  const items = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return items / seconds;
}

/**
 * Runs subject and baseline alternately, `rounds` times each, so that drift of the machine (page cache, other load)
 * hits both alike, and reports the median of each.
 */
export async function compare(
  rounds: number,
  subject: (round: number) => Promise<number> | number,
  baseline: (round: number) => Promise<number> | number,
): Promise<{ subject: number; baseline: number }> {
  const s: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < rounds; round++) {
    b.push(await rate(() => baseline(round)));
    s.push(await rate(() => subject(round)));
  }
  return { subject: median(s), baseline: median(b) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function report(title: string, figures: Figure[]): boolean {
  console.log(`\n${title}`);
  const rows = figures.map((f) => {
    const ratio = f.subject / f.baseline;
    const verdict = f.target === undefined ? '' : ratio >= f.target ? `ok (target ≥ ${f.target.toFixed(2)})` : `BELOW target ${f.target.toFixed(2)}`;
    return {
      figure: f.name,
      subject: `${Math.round(f.subject).toLocaleString('en-US')} ${f.unit}`,
      baseline: `${Math.round(f.baseline).toLocaleString('en-US')} ${f.unit} (${f.baselineName})`,
      ratio: ratio.toFixed(2),
      verdict,
    };
  });
  console.table(rows);
  return figures.every((f) => f.target === undefined || f.subject / f.baseline >= f.target);
}
