/**
 * A small reader of Prometheus's text exposition format (version 0.0.4), enough for what the tests check: families
 * with their TYPE, samples with labels and values, and the histograms' buckets.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  /** The value as written, to check its digits. */
  text: string;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Families by name, in the order they appear; a sample belongs to the family whose TYPE line precedes it. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: Family | undefined;
  const family = (name: string): Family => {
    let found = families.get(name);
    if (!found) {
      found = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, found);
    }
    return found;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      current = family(meta[2]!);
      if (meta[1] === 'TYPE') current.type = meta[3]!;
      else current.help = meta[3]!;
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`Not a sample line: ${line}`);
    const [, name, labelText, value] = match;
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (labelText ?? '').matchAll(LABEL))
      labels[key!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    const owner = current && name!.startsWith(current.name) ? current : family(name!);
    owner.samples.push({ name: name!, labels, text: value!, value: parseValue(value!) });
  }
  return families;
}

export interface HistogramSeries {
  /** Cumulative counts by upper bound, in the order exposed (the last is +Inf). */
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

/** One histogram family's series, keyed by the value of `label` (e.g. template). */
export function histogramSeries(families: Map<string, Family>, name: string, label: string): Map<string, HistogramSeries> {
  const result = new Map<string, HistogramSeries>();
  const series = (key: string): HistogramSeries => {
    let found = result.get(key);
    if (!found) {
      found = { buckets: [], sum: NaN, count: NaN };
      result.set(key, found);
    }
    return found;
  };
  for (const sample of families.get(name)?.samples ?? []) {
    const entry = series(sample.labels[label] ?? '');
    if (sample.name === `${name}_bucket`) entry.buckets.push({ le: parseValue(sample.labels.le!), count: sample.value });
    else if (sample.name === `${name}_sum`) entry.sum = sample.value;
    else if (sample.name === `${name}_count`) entry.count = sample.value;
  }
  return result;
}

/** What PromQL's histogram_quantile estimates from one series' buckets: linear inside the bucket holding the rank. */
export function histogramQuantile(q: number, series: HistogramSeries): number {
  const total = series.buckets.at(-1)?.count ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const { le, count } of series.buckets) {
    if (count >= rank) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(count - below, 1e-9);
    }
    lower = le;
    below = count;
  }
  return lower;
}

/** The value of a sample without labels, e.g. `hotpath_workload_target_requests_per_second`. */
export function metricValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * What docs/metrics.md promises of every scrape; returns the broken promises (empty when all hold). Our own families
 * only: prom-client's process_* and nodejs_* defaults follow their own conventions.
 */
export function expositionProblems(text: string): string[] {
  const problems: string[] = [];
  const families = parseExposition(text);
  const ours = [...families.values()].filter((f) => !/^(process|nodejs)_/.test(f.name));
  for (const f of ours) {
    if (!/^hotpath_[a-z0-9_]+$/.test(f.name)) problems.push(`${f.name}: not a hotpath_ name in lower snake case`);
    if (f.type === 'untyped') problems.push(`${f.name}: no TYPE`);
    if (f.type === 'counter' && !f.name.endsWith('_total')) problems.push(`${f.name}: a counter not named _total`);
    if (f.type !== 'counter' && f.name.endsWith('_total')) problems.push(`${f.name}: named _total but a ${f.type}`);
    if (f.type === 'histogram' && !f.name.endsWith('_seconds')) problems.push(`${f.name}: a histogram not in seconds`);
    for (const s of f.samples) {
      if (s.labels.template === 'all') problems.push(`${s.name}: template="all" would count the workload twice in sum()`);
      if ('quantile' in s.labels) problems.push(`${s.name}: a quantile label (not aggregatable)`);
      // Float noise such as 0.30000000000000004: our values are integers or decimals of at most six places.
      if (!/^-?\d+(\.\d{1,6})?$/.test(s.text)) problems.push(`${s.name}: value ${s.text} is not a short decimal`);
      if (f.name.endsWith('_ratio') && !(s.value >= 0 && s.value <= 1)) problems.push(`${s.name}: ratio ${s.value} outside 0..1`);
    }
    if (f.type === 'histogram') problems.push(...histogramProblems(families, f.name));
  }
  const build = families.get('hotpath_build_info')?.samples[0];
  if (!build || build.value !== 1 || !build.labels.version || !build.labels.node)
    problems.push('hotpath_build_info{version,node} 1 missing');
  return problems;
}

function histogramProblems(families: Map<string, Family>, name: string): string[] {
  const problems: string[] = [];
  const labelsOf = (s: Sample) => JSON.stringify(Object.entries(s.labels).filter(([k]) => k !== 'le'));
  const keys = new Set(families.get(name)!.samples.map(labelsOf));
  for (const key of keys) {
    const samples = families.get(name)!.samples.filter((s) => labelsOf(s) === key);
    const buckets = samples.filter((s) => s.name === `${name}_bucket`);
    const count = samples.find((s) => s.name === `${name}_count`);
    const where = `${name}${key}`;
    if (!samples.some((s) => s.name === `${name}_sum`)) problems.push(`${where}: no _sum`);
    if (!count) problems.push(`${where}: no _count`);
    if (buckets.at(-1)?.labels.le !== '+Inf') problems.push(`${where}: the last bucket is not +Inf`);
    else if (count && buckets.at(-1)!.value !== count.value)
      problems.push(`${where}: +Inf ${buckets.at(-1)!.value} ≠ _count ${count.value}`);
    for (let i = 1; i < buckets.length; i += 1) {
      if (!(parseValue(buckets[i]!.labels.le!) > parseValue(buckets[i - 1]!.labels.le!)))
        problems.push(`${where}: le not increasing at ${i}`);
      if (buckets[i]!.value < buckets[i - 1]!.value) problems.push(`${where}: bucket counts decrease at le=${buckets[i]!.labels.le}`);
    }
  }
  return problems;
}
