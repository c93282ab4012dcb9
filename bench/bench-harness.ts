/** Small helpers shared by the benchmarks: timing, alternating rounds, and the report table. */

export interface Figure {
  name: string;
  unit: string;
  subject: number;
  baseline: number;
  baselineName: string;
  /** The ratio judged against `target` when not subject / baseline: the median of paired rounds (`comparePaired`). */
  ratio?: number;
  target?: number;
  /** For figures where less is better (latency, memory): the ratio must be at most `target`. */
  atMost?: boolean;
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

/**
 * Like `compare`, for a ratio that must hold steadily on a shared machine: `warmup` unmeasured rounds of each first
 * (the JIT, the caches, and whatever state the work leaves behind for its next run, so that every measured round
 * starts alike), `settle` before every run (to start each from the same state, e.g. checkpointed WAL files), and
 * the ratio as the median of each round's subject / baseline: a round's two runs follow each other within a second,
 * so load from other processes that comes and goes over seconds hits both, where the ratio of two medians may take
 * its subject and its baseline from rounds under different load.
 */
export async function comparePaired(
  options: { rounds: number; warmup: number; settle?: () => void },
  subject: () => Promise<number> | number,
  baseline: () => Promise<number> | number,
): Promise<{ subject: number; baseline: number; ratio: number }> {
  const s: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < options.warmup + options.rounds; round++) {
    options.settle?.();
    const baselineRate = await rate(baseline);
    options.settle?.();
    const subjectRate = await rate(subject);
    if (round < options.warmup) continue;
    b.push(baselineRate);
    s.push(subjectRate);
  }
  return { subject: median(s), baseline: median(b), ratio: median(s.map((value, i) => value / b[i])) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function report(title: string, figures: Figure[]): boolean {
  console.log(`\n${title}`);
  const rows = figures.map((f) => {
    const ratio = ratioOf(f);
    const verdict =
      f.target === undefined
        ? ''
        : meets(f)
          ? `ok (target ${f.atMost ? '≤' : '≥'} ${f.target.toFixed(2)})`
          : `MISSES target ${f.atMost ? '≤' : '≥'} ${f.target.toFixed(2)}`;
    return {
      figure: f.name,
      subject: `${Math.round(f.subject).toLocaleString('en-US')} ${f.unit}`,
      baseline: `${Math.round(f.baseline).toLocaleString('en-US')} ${f.unit} (${f.baselineName})`,
      ratio: ratio.toFixed(2),
      verdict,
    };
  });
  console.table(rows);
  return figures.every(meets);
}

function ratioOf(f: Figure): number {
  return f.ratio ?? f.subject / f.baseline;
}

function meets(f: Figure): boolean {
  if (f.target === undefined) return true;
  const ratio = ratioOf(f);
  return f.atMost ? ratio <= f.target : ratio >= f.target;
}

/** Alternating rounds of two load runs that answer rate and p99 each; medians of both. */
export async function compareLoads(
  rounds: number,
  subject: () => Promise<{ rate: number; p99: number }>,
  baseline: () => Promise<{ rate: number; p99: number }>,
): Promise<{ rate: { subject: number; baseline: number }; p99: { subject: number; baseline: number } }> {
  const s: Array<{ rate: number; p99: number }> = [];
  const b: Array<{ rate: number; p99: number }> = [];
  for (let round = 0; round < rounds; round++) {
    b.push(await baseline());
    s.push(await subject());
  }
  return {
    rate: { subject: median(s.map((x) => x.rate)), baseline: median(b.map((x) => x.rate)) },
    p99: { subject: median(s.map((x) => x.p99)), baseline: median(b.map((x) => x.p99)) },
  };
}
