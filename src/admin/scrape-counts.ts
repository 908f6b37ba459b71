// Counting on the command path without prom-client: plain numbers and numeric-keyed Maps, handed
// to prom-client when /metrics is scraped (a prom-client child hashes its labels on every inc, a
// few hundred nanoseconds a call; these are a Map lookup and an addition).
import type { Counter, LabelValues } from 'prom-client';

/** Counts by a numeric key; the labels of a key are made once, when it is first seen. */
export class KeyedCounts<L extends string> {
  readonly #entries = new Map<
    number,
    { labels: LabelValues<L>; count: number; reported: number }
  >();

  constructor(private readonly labelsOf: (key: number) => LabelValues<L>) {}

  add(key: number, n = 1): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined) entry.count += n;
    else this.#entries.set(key, { labels: this.labelsOf(key), count: n, reported: 0 });
  }

  /** For a Counter's `collect`: adds what arrived since the last scrape. */
  reportTo(counter: Counter<L>): void {
    for (const e of this.#entries.values()) {
      if (e.count === e.reported) continue;
      counter.inc(e.labels, e.count - e.reported);
      e.reported = e.count;
    }
  }
}

/**
 * A histogram with one label, counted in typed arrays and exposed through prom-client's metric
 * interface (`get()` in the shape its Histogram returns), so observing costs a bucket search.
 */
export class LabelledHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #buckets: Float64Array[];
  readonly #sums: Float64Array;
  readonly #counts: Float64Array;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly label: string,
    private readonly values: readonly string[],
    private readonly bounds: readonly number[],
  ) {
    this.#buckets = values.map(() => new Float64Array(bounds.length));
    this.#sums = new Float64Array(values.length);
    this.#counts = new Float64Array(values.length);
  }

  /** `index` is the label value's position in `values`. */
  observe(index: number, value: number): void {
    const buckets = this.#buckets[index] as Float64Array;
    let b = 0;
    while (b < this.bounds.length && value > (this.bounds[b] as number)) b++;
    if (b < buckets.length) buckets[b] = (buckets[b] as number) + 1;
    this.#sums[index] = (this.#sums[index] as number) + value;
    this.#counts[index] = (this.#counts[index] as number) + 1;
  }

  async get() {
    const out: { labels: Record<string, string | number>; value: number; metricName: string }[] =
      [];
    this.values.forEach((labelValue, i) => {
      let cumulative = 0;
      const buckets = this.#buckets[i] as Float64Array;
      this.bounds.forEach((le, b) => {
        cumulative += buckets[b] as number;
        out.push({
          labels: { [this.label]: labelValue, le },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      const count = this.#counts[i] as number;
      const labels = { [this.label]: labelValue };
      out.push({
        labels: { ...labels, le: '+Inf' },
        value: count,
        metricName: `${this.name}_bucket`,
      });
      out.push({ labels, value: this.#sums[i] as number, metricName: `${this.name}_sum` });
      out.push({ labels, value: count, metricName: `${this.name}_count` });
    });
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values: out,
      aggregator: this.aggregator,
    };
  }
}
