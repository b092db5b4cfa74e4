// Test-only: reading the Prometheus text exposition the way a scraper would.

export type Sample = { name: string; labels: Record<string, string>; value: number; exemplar?: string };

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*?)\})? (\S+)(?: # (\{.*?\}) .*)?$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`unparseable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(LABEL)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]), exemplar: match[4] });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels` (0 when there are none). */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number {
  return parseSamples(text)
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** The samples of the router's own families (process_* and nodejs_* vary on their own). */
export function routerSeries(text: string): Sample[] {
  return parseSamples(text).filter((sample) => /^(smarterrouter|gen_ai)_/.test(sample.name));
}
