import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../main/util/random.ts';
import { prepareTemplateParams } from '../../../main/workload/param-generators.ts';
import { MAX_CHOICE_VALUES } from '../../../main/workload/profile-limits.ts';
import {
  DEFAULT_LIMIT,
  evenlyThinned,
  limitFromCounters,
  neutralValue,
  sampleFromStats,
  scaledWeights,
  type ColumnStats,
} from '../../../main/workload/profile-from-stats-sampler.ts';
import type { ParamSpec } from '../../../main/workload/profile-schema.ts';

const STATUS: ColumnStats = {
  nullFrac: 0.1,
  mostCommonVals: ['shipped', 'new'],
  mostCommonFreqs: [0.5, 0.2],
  histogramBounds: ['a', 'm', 'z'],
};
const DAYS: ColumnStats = {
  nullFrac: 0,
  mostCommonVals: null,
  mostCommonFreqs: null,
  histogramBounds: ['2020-01-01', '2020-02-01', '2020-03-01', '2020-04-01', '2020-05-01'],
};

function choice(spec: ReturnType<typeof sampleFromStats>): Extract<ParamSpec, { kind: 'choice' }> {
  if (!('spec' in spec) || spec.spec.kind !== 'choice') throw new Error(`expected a choice, got ${JSON.stringify(spec)}`);
  return spec.spec;
}

/** How often each value is drawn by the workload's own generator, over `n` draws. */
async function drawn(spec: ParamSpec, n: number): Promise<Map<unknown, number>> {
  const next = await prepareTemplateParams(
    { name: 't', sql: 'SELECT $1', weight: 1, params: [spec] },
    { query: () => Promise.resolve([]), random: seededRandom(1) },
  );
  const counts = new Map<unknown, number>();
  for (let i = 0; i < n; i++) {
    const [value] = next();
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

describe('drawing a parameter from its column’s statistics', () => {
  it('equality: common values by their frequency, the histogram’s bounds sharing the rest equally', () => {
    const spec = choice(sampleFromStats('equal', false, STATUS, 'text', 'public.orders.status'));
    expect(spec.values).toEqual(['shipped', 'new', 'a', 'm', 'z']);
    // The rest: 1 − 0.1 (NULL) − 0.7 (common) = 0.2, over 3 bounds.
    expect(spec.weights).toEqual([0.5, 0.2, 0.06667, 0.06667, 0.06667]);
    expect(spec.name).toBe('public.orders.status');
  });

  it('equality: the draws follow the frequencies', async () => {
    const counts = await drawn(choice(sampleFromStats('equal', false, STATUS, 'text', 's')), 20_000);
    const share = (v: string) => (counts.get(v) ?? 0) / 20_000;
    expect(share('shipped')).toBeCloseTo(0.5 / 0.9, 1);
    expect(share('new')).toBeCloseTo(0.2 / 0.9, 1);
    expect(share('m')).toBeCloseTo(0.0667 / 0.9, 1);
  });

  it('equality without a histogram: only the common values, weighted', () => {
    const spec = choice(sampleFromStats('equal', false, { ...STATUS, histogramBounds: null }, 'text', 's'));
    expect(spec.values).toEqual(['shipped', 'new']);
    expect(spec.weights).toEqual([0.5, 0.2]);
  });

  it('a range end alone: every histogram bound, equally likely (no weights)', () => {
    const spec = choice(sampleFromStats('lower', false, DAYS, 'date', 'd'));
    expect(spec.values).toEqual(DAYS.histogramBounds);
    expect(spec.weights).toBeUndefined();
  });

  it('both ends of a range: the low end from the lower half of the bounds, the high end from the upper half', async () => {
    const low = choice(sampleFromStats('lower', true, DAYS, 'date', 'd'));
    const high = choice(sampleFromStats('upper', true, DAYS, 'date', 'd'));
    expect(low.values).toEqual(['2020-01-01', '2020-02-01', '2020-03-01']);
    expect(high.values).toEqual(['2020-03-01', '2020-04-01', '2020-05-01']);
    // Drawn independently, low ≤ high every time.
    const lows = [...(await drawn(low, 200)).keys()].map(String);
    const highs = [...(await drawn(high, 200)).keys()].map(String);
    expect(lows.every((l) => highs.every((h) => l <= h))).toBe(true);
  });

  it('numbers become JSON numbers where they read back the same; the rest stays text', () => {
    const stats: ColumnStats = {
      nullFrac: 0,
      mostCommonVals: ['7', '0.5', '1e400', '9007199254740993', '1.50'],
      mostCommonFreqs: [0.2, 0.2, 0.2, 0.2, 0.2],
      histogramBounds: null,
    };
    expect(choice(sampleFromStats('equal', false, stats, 'numeric', 'n')).values).toEqual([7, 0.5, '1e400', '9007199254740993', '1.50']);
    expect(choice(sampleFromStats('equal', false, stats, 'text', 't')).values).toEqual(['7', '0.5', '1e400', '9007199254740993', '1.50']);
  });

  it('says why when the column has no statistics, or only NULLs', () => {
    expect(sampleFromStats('equal', false, null, 'int', 'public.t.a')).toEqual({ reason: expect.stringContaining('ANALYZE') });
    const nulls: ColumnStats = { nullFrac: 1, mostCommonVals: null, mostCommonFreqs: null, histogramBounds: null };
    expect(sampleFromStats('equal', false, nulls, 'int', 'public.t.a')).toEqual({ reason: expect.stringContaining('no values') });
  });

  it('keeps within the profile’s limit on a choice’s values, thinning the histogram evenly', () => {
    const bounds = Array.from({ length: MAX_CHOICE_VALUES + 500 }, (_, i) => String(i));
    const spec = choice(sampleFromStats('lower', false, { ...DAYS, histogramBounds: bounds }, 'integer', 'n'));
    expect(spec.values).toHaveLength(MAX_CHOICE_VALUES);
    expect(spec.values[0]).toBe(0);
    expect(spec.values.at(-1)).toBe(MAX_CHOICE_VALUES + 499);
    expect(evenlyThinned(['a', 'b', 'c', 'd', 'e'], 3)).toEqual(['a', 'c', 'e']);
  });

  it('LIMIT: the mean rows per call, or the default when it returned none; OFFSET: 0', () => {
    expect(limitFromCounters('limit', 250, 10)).toMatchObject({ kind: 'constant', value: 25 });
    expect(limitFromCounters('limit', 0, 10)).toMatchObject({ kind: 'constant', value: DEFAULT_LIMIT });
    expect(limitFromCounters('offset', 250, 10)).toMatchObject({ kind: 'constant', value: 0 });
  });

  it('scales weights into the profile’s bounds, keeping their ratios and every one above 0', () => {
    expect(scaledWeights([3_000_000, 1_500_000, 1])).toEqual([1_000_000, 500_000, 0.3333]);
    expect(scaledWeights([0.5, 0.25])).toEqual([0.5, 0.25]);
    expect(scaledWeights([1e12, 1e-9]).every((w) => w > 0)).toBe(true);
  });

  it('stands in for a shift with its type’s zero and for a constant with its one; other types are not guessed', () => {
    expect(neutralValue('shift', 'interval')).toMatchObject({ spec: { kind: 'constant', value: '0' } });
    expect(neutralValue('shift', 'numeric')).toMatchObject({ spec: { kind: 'constant', value: 0 } });
    expect(neutralValue('constant', 'integer')).toMatchObject({ spec: { kind: 'constant', value: 1 } });
    expect(neutralValue('constant', 'text')).toMatchObject({ spec: { kind: 'constant', value: 'x' } });
    expect(neutralValue('shift', 'text')).toEqual({ reason: expect.stringContaining('no neutral value') });
    expect(neutralValue('constant', 'date')).toEqual({ reason: expect.stringContaining('no neutral value') });
  });
});
