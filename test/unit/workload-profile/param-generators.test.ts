import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../main/util/random.ts';
import { prepareTemplateParams, type ParamContext } from '../../../main/workload/param-generators.ts';
import { TemplateSpecSchema, type TemplateSpec } from '../../../main/workload/profile-schema.ts';
import { loadSqlCheck } from '../../../main/workload/profile-sql-check.ts';

await loadSqlCheck();

/** A template with one placeholder per param, validated like a loaded profile. */
function template(params: unknown[], name = 't'): TemplateSpec {
  const sql = `SELECT ${params.map((_, i) => `$${i + 1}`).join(', ') || '1'}`;
  return TemplateSpecSchema.parse({ name, sql, weight: 1, params });
}

/** A fake database: answers each startup query from a table, records what was asked. */
function fakeContext(answers: Record<string, unknown[]>, seed = 1): ParamContext & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    random: seededRandom(seed),
    now: () => Date.parse('2025-06-01T12:00:00Z'),
    query: async (sql) => {
      asked.push(sql);
      const rows = answers[sql];
      if (!rows) throw new Error(`relation does not exist`);
      return rows;
    },
  };
}

const draw = (next: () => unknown[], count: number): unknown[][] => Array.from({ length: count }, next);

describe('prepareTemplateParams', () => {
  it('returns one array per call, one value per param, in placeholder order', async () => {
    const next = await prepareTemplateParams(
      template([
        { kind: 'constant', value: 'a' },
        { kind: 'constant', value: 2 },
        { kind: 'constant', value: null },
      ]),
      fakeContext({}),
    );
    const first = next();
    expect(first).toEqual(['a', 2, null]);
    expect(next()).not.toBe(first);
  });

  it('a template without params yields empty arrays', async () => {
    expect((await prepareTemplateParams(template([]), fakeContext({})))()).toEqual([]);
  });

  it('int uniform: integers within [min, max], both ends reached', async () => {
    const next = await prepareTemplateParams(template([{ kind: 'int', min: -2, max: 2 }]), fakeContext({}));
    const values = draw(next, 2000).map((p) => p[0]);
    expect(new Set(values)).toEqual(new Set([-2, -1, 0, 1, 2]));
  });

  it('int bounds from queries run once; pg bigint strings are accepted', async () => {
    const ctx = fakeContext({ 'SELECT min(id) FROM t': ['101'], 'SELECT max(id) FROM t': ['110'] });
    const next = await prepareTemplateParams(
      template([{ kind: 'int', min: { query: 'SELECT min(id) FROM t' }, max: { query: 'SELECT max(id) FROM t' } }]),
      ctx,
    );
    const values = draw(next, 1000).map((p) => p[0] as number);
    expect(Math.min(...values)).toBe(101);
    expect(Math.max(...values)).toBe(110);
    expect(ctx.asked).toEqual(['SELECT min(id) FROM t', 'SELECT max(id) FROM t']);
  });

  it('int zipf: min is the hottest key at the Zipf frequency', async () => {
    const n = 1000;
    const next = await prepareTemplateParams(
      template([{ kind: 'int', min: 1, max: n, distribution: 'zipf', exponent: 1 }]),
      fakeContext({}, 3),
    );
    const draws = 100_000;
    const values = draw(next, draws).map((p) => p[0] as number);
    expect(values.every((v) => Number.isInteger(v) && v >= 1 && v <= n)).toBe(true);
    let harmonic = 0;
    for (let k = 1; k <= n; k += 1) harmonic += 1 / k;
    const p1 = 1 / harmonic;
    const observed = values.filter((v) => v === 1).length / draws;
    expect(Math.abs(observed - p1)).toBeLessThan(5 * Math.sqrt((p1 * (1 - p1)) / draws));
  });

  it('int zipf with scatter: same skew, but the hot keys are spread over the range', async () => {
    const n = 10_000;
    const spec = { kind: 'int', min: 1, max: n, distribution: 'zipf', exponent: 1 };
    const plain = draw(await prepareTemplateParams(template([spec]), fakeContext({}, 4)), 50_000).map((p) => p[0] as number);
    const spread = draw(await prepareTemplateParams(template([{ ...spec, scatter: true }]), fakeContext({}, 4)), 50_000).map(
      (p) => p[0] as number,
    );
    expect(spread.every((v) => Number.isInteger(v) && v >= 1 && v <= n)).toBe(true);
    const top = (values: number[]): number[] => {
      const counts = new Map<number, number>();
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      return [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([v]) => v);
    };
    expect(top(plain)).toEqual([1, 2, 3, 4, 5]);
    const hot = top(spread);
    // Same seed, same ranks: the top key is as frequent as without scatter.
    expect(spread.filter((v) => v === hot[0]).length).toBe(plain.filter((v) => v === 1).length);
    // Neighbouring ranks land far apart.
    const sorted = [...hot].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i += 1) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThan(100);
  });

  it('scatter maps ranks onto the range one-to-one', async () => {
    // With exponent near 0 every key of a small range shows up; a bijection covers them all.
    const next = await prepareTemplateParams(
      template([{ kind: 'int', min: 10, max: 29, distribution: 'zipf', exponent: 0.01, scatter: true }]),
      fakeContext({}, 5),
    );
    expect(new Set(draw(next, 5000).map((p) => p[0])).size).toBe(20);
  });

  it('sample zipf: values from the query, the first row hottest, NULLs dropped', async () => {
    const origins = ['slack', 'github', null, 'notion', 'email', 'drive'];
    const next = await prepareTemplateParams(
      template([{ kind: 'sample', query: 'SELECT origin FROM t', distribution: 'zipf', exponent: 1 }]),
      fakeContext({ 'SELECT origin FROM t': origins }, 6),
    );
    const draws = 100_000;
    const values = draw(next, draws).map((p) => p[0]);
    expect(new Set(values)).toEqual(new Set(['slack', 'github', 'notion', 'email', 'drive']));
    const harmonic = 1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5;
    for (const [rank, origin] of ['slack', 'github', 'notion', 'email', 'drive'].entries()) {
      const p = 1 / (rank + 1) / harmonic;
      const observed = values.filter((v) => v === origin).length / draws;
      expect(Math.abs(observed - p), origin).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / draws));
    }
  });

  it('sample uniform: every value about equally often', async () => {
    const next = await prepareTemplateParams(
      template([{ kind: 'sample', query: 'SELECT s FROM t' }]),
      fakeContext({ 'SELECT s FROM t': ['1', '2', '3', '4'] }),
    );
    const draws = 40_000;
    const values = draw(next, draws).map((p) => p[0]);
    for (const v of ['1', '2', '3', '4']) expect(Math.abs(values.filter((x) => x === v).length / draws - 0.25)).toBeLessThan(0.011);
  });

  it('choice with weights follows them; without weights all values appear', async () => {
    const weighted = await prepareTemplateParams(template([{ kind: 'choice', values: ['a', 'b'], weights: [9, 1] }]), fakeContext({}, 8));
    const draws = 50_000;
    const share = draw(weighted, draws).filter((p) => p[0] === 'b').length / draws;
    expect(Math.abs(share - 0.1)).toBeLessThan(5 * Math.sqrt((0.1 * 0.9) / draws));
    const plain = await prepareTemplateParams(template([{ kind: 'choice', values: [true, false, 3] }]), fakeContext({}));
    expect(new Set(draw(plain, 300).map((p) => p[0]))).toEqual(new Set([true, false, 3]));
  });

  it('float stays within [min, max)', async () => {
    const values = draw(await prepareTemplateParams(template([{ kind: 'float', min: 0.5, max: 0.75 }]), fakeContext({})), 1000).map(
      (p) => p[0] as number,
    );
    expect(values.every((v) => v >= 0.5 && v < 0.75)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(900);
  });

  it('timestampAgo: ISO timestamps between minSeconds and maxSeconds before now', async () => {
    const ctx = fakeContext({});
    const now = ctx.now!();
    const next = await prepareTemplateParams(template([{ kind: 'timestampAgo', minSeconds: 3600, maxSeconds: 7200 }]), ctx);
    for (const [value] of draw(next, 500)) {
      expect(value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const ago = (now - Date.parse(value as string)) / 1000;
      expect(ago).toBeGreaterThanOrEqual(3600);
      expect(ago).toBeLessThanOrEqual(7200);
    }
  });

  it('is reproducible from the seed', async () => {
    const spec = template([
      { kind: 'int', min: 1, max: 1e6, distribution: 'zipf' },
      { kind: 'choice', values: ['x', 'y', 'z'] },
    ]);
    const a = draw(await prepareTemplateParams(spec, fakeContext({}, 99)), 50);
    const b = draw(await prepareTemplateParams(spec, fakeContext({}, 99)), 50);
    expect(a).toEqual(b);
  });

  describe('errors name the template and the param', () => {
    it('a sample query that returns nothing', async () => {
      const spec = template(
        [
          { kind: 'constant', value: 1 },
          { kind: 'sample', name: 'session', query: 'SELECT s FROM t' },
        ],
        'session_timeline',
      );
      await expect(prepareTemplateParams(spec, fakeContext({ 'SELECT s FROM t': [] }))).rejects.toThrow(
        /^template "session_timeline", param \$2 \(session\): the sample query returned no values .*nothing to pick from\n {2}query: SELECT s FROM t/,
      );
    });

    it('a sample query that returns only NULLs', async () => {
      const spec = template([{ kind: 'sample', query: 'SELECT s FROM t' }], 'x');
      await expect(prepareTemplateParams(spec, fakeContext({ 'SELECT s FROM t': [null, null] }))).rejects.toThrow(
        /param \$1: .*only NULLs/,
      );
    });

    it('a bound query on an empty table (max is NULL) or with no rows', async () => {
      const spec = template([{ kind: 'int', name: 'id', min: 1, max: { query: 'SELECT max(id) FROM t' } }], 'chunk_by_id');
      await expect(prepareTemplateParams(spec, fakeContext({ 'SELECT max(id) FROM t': [null] }))).rejects.toThrow(
        /^template "chunk_by_id", param \$1 \(id\): the max query returned NULL, so there is no max to draw from \(is the table empty\?\)/,
      );
      await expect(prepareTemplateParams(spec, fakeContext({ 'SELECT max(id) FROM t': [] }))).rejects.toThrow(/returned no rows/);
    });

    it('a bound query that returns a non-integer', async () => {
      const spec = template([{ kind: 'int', min: { query: 'SELECT min(x) FROM t' }, max: 10 }], 'x');
      await expect(prepareTemplateParams(spec, fakeContext({ 'SELECT min(x) FROM t': ['2.5'] }))).rejects.toThrow(
        /min query returned "2.5", which is not an integer/,
      );
    });

    it('bounds that cross once resolved', async () => {
      const spec = template([{ kind: 'int', min: 50, max: { query: 'SELECT max(id) FROM t' } }], 'x');
      await expect(prepareTemplateParams(spec, fakeContext({ 'SELECT max(id) FROM t': ['7'] }))).rejects.toThrow(
        /min \(50\) is greater than max \(7\)/,
      );
    });

    it('a failing query keeps the database error and its cause', async () => {
      const spec = template([{ kind: 'sample', query: 'SELECT s FROM missing' }], 'x');
      const error = (await prepareTemplateParams(spec, fakeContext({})).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/^template "x", param \$1: the sample query failed: relation does not exist/);
      expect((error.cause as Error).message).toBe('relation does not exist');
    });
  });
});
