/** The samples of a Prometheus text exposition, keyed `name{label="value",…}` exactly as printed. */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

/** The value of the one sample with this name whose labels include all of `labels`; undefined when none does. */
export function sample(
  samples: Map<string, number>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const [key, value] of samples) {
    const [metric, rest = ''] = key.split('{');
    if (metric === name && wanted.every((label) => rest.includes(label))) return value;
  }
  return undefined;
}
