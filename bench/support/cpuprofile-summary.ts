/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`) by self time: `node dist/bench/support/cpuprofile-summary.js
 * file.cpuprofile [top] [lastSeconds]`. Prints the top functions with their share of the sampled time and where
 * they live. `lastSeconds` keeps only the samples of the profile's last seconds: the load runs, without the
 * start-up (module loading, the first fold, the projections' catch-up).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarise(profile: CpuProfile, top = 25, lastSeconds = Infinity): string[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map<string, number>();
  let total = 0;
  const span = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  const from = span - lastSeconds * 1e6;
  let at = 0;
  profile.samples.forEach((id, index) => {
    const node = byNode.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (!node || at < from) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    selfTime.set(key, (selfTime.get(key) ?? 0) + delta);
    total += delta;
  });
  const rows = [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, top);
  return rows.map(
    ([name, micros]) =>
      `${((100 * micros) / total).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`,
  );
}

if (require.main === module) {
  const [file, top, last] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: cpuprofile-summary <file.cpuprofile> [top]\n');
    process.exit(1);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  for (const line of summarise(profile, Number(top ?? 25), last === undefined ? Infinity : Number(last)))
    console.log(line);
}
