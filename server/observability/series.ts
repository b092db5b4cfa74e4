import type { Counter, Histogram, LabelValues } from "prom-client";

// prom-client, on every inc/observe, checks the label names, builds its hash string of the label
// set and (histograms) finds the bucket through float-keyed properties: about a microsecond each,
// a dozen times per chat request. These wrappers keep prom-client's own series object for a label
// set once prom-client has created it, and add to it in place: what prom-client renders, resets
// and removes is unchanged. They lean on prom-client 15's series shape ({ labels, value } for a
// counter; { labels, bucketValues, sum, count } for a histogram) and its hash (`name:value,` over
// the sorted label names); should either change, a series is not found and every update simply
// takes prom-client's own path (series.test.ts compares the two renderings).

type CounterSeries = { value: number };
type HistogramSeries = { sum: number; count: number; bucketValues: Record<string, number> };
type Internals<S> = { hashMap: Record<string, S | undefined>; sortedLabelNames: string[]; labelNames: string[] };
type Labels = Record<string, string | number | undefined>;

/** prom-client's series of a label set once it exists, looked up by the label values. */
class SeriesIndex<S> {
  readonly #known = new Map<string, { hash: string; series: S }>();

  constructor(private readonly metric: Internals<S>) {}

  /** A key for the label values (label names are fixed per metric). */
  key(labels: Labels): string {
    let key = "";
    for (const name of this.metric.labelNames) key += `${labels[name] ?? "\u0002"}\u0001`;
    return key;
  }

  /** The live series, if it was remembered and prom-client still holds it (reset and remove drop it). */
  find(key: string): S | undefined {
    const known = this.#known.get(key);
    return known && this.metric.hashMap[known.hash] === known.series ? known.series : undefined;
  }

  /** After prom-client's own update created or found the series. */
  remember(key: string, labels: Labels): void {
    let hash = "";
    for (const name of this.metric.sortedLabelNames) if (labels[name] !== undefined) hash += `${name}:${labels[name]},`;
    const series = this.metric.hashMap[hash];
    if (series) this.#known.set(key, { hash, series });
  }
}

/** counter.inc(labels, value), without prom-client's per-call label checks once the series exists. */
export function fastCounter<T extends string>(counter: Counter<T>): (labels: LabelValues<T>, value?: number) => void {
  const index = new SeriesIndex(counter as unknown as Internals<CounterSeries>);
  return (labels, value = 1) => {
    const key = index.key(labels);
    const series = index.find(key);
    if (series && value >= 0 && Number.isFinite(value)) {
      series.value += value;
      return;
    }
    counter.inc(labels, value); // creates the series, or throws on a bad label or value as always
    index.remember(key, labels);
  };
}

/** histogram.observe, without prom-client's per-call label checks once the series exists; exemplars as prom-client keeps them. */
export function fastHistogram<T extends string>(histogram: Histogram<T>): (labels: LabelValues<T>, value: number, exemplarLabels?: Record<string, string>) => void {
  const internals = histogram as unknown as Internals<HistogramSeries> & {
    upperBounds: number[];
    enableExemplars: boolean;
    updateExemplar(labels: LabelValues<T>, value: number, exemplarLabels: Record<string, string>): void;
  };
  const index = new SeriesIndex(internals);
  const bounds = internals.upperBounds;
  const boundKeys = bounds.map(String); // prom-client's bucketValues keys
  return (labels, value, exemplarLabels) => {
    const key = index.key(labels);
    const series = index.find(key);
    if (series && Number.isFinite(value)) {
      series.sum += value;
      series.count += 1;
      let bucket = 0;
      while (bucket < bounds.length && value > bounds[bucket]) bucket++;
      if (bucket < bounds.length) series.bucketValues[boundKeys[bucket]] += 1;
      if (exemplarLabels && internals.enableExemplars) internals.updateExemplar(labels, value, exemplarLabels);
      return;
    }
    if (internals.enableExemplars) histogram.observe({ labels, value, exemplarLabels: exemplarLabels as LabelValues<T> | undefined });
    else histogram.observe(labels, value);
    index.remember(key, labels);
  };
}
