/**
 * Turns a template's param specs into a generator of parameter arrays, one array per
 * request. Everything that can be done once happens here (bound queries, sample
 * lists, alias tables); the returned generator runs thousands of times a second and
 * allocates only the array (and, for `timestampAgo`, the timestamp string).
 */
import { randomInt, type Random } from '../util/random.ts';
import type { IntBound, ParamSpec, TemplateSpec } from './profile-schema.ts';
import { createAliasSampler } from './alias-sampler.ts';
import { createZipfSampler } from './zipf-sampler.ts';

export interface ParamContext {
  /** Runs a read-only query once and returns the values of its first column. */
  query: (sql: string) => Promise<unknown[]>;
  random: Random;
  /** Wall clock in ms for `timestampAgo`; Date.now unless a test pins it. */
  now?: () => number;
}

export type ParamsGenerator = () => unknown[];
type ValueGenerator = () => unknown;

/** Resolves the template's startup queries and returns its per-request parameter generator. */
export async function prepareTemplateParams(template: TemplateSpec, ctx: ParamContext): Promise<ParamsGenerator> {
  const generators: ValueGenerator[] = [];
  for (const [index, spec] of template.params.entries()) {
    const label = `template "${template.name}", param $${index + 1}${spec.name ? ` (${spec.name})` : ''}`;
    generators.push(await prepareParam(spec, ctx, label));
  }
  const count = generators.length;
  return () => {
    const params = new Array<unknown>(count);
    for (let i = 0; i < count; i += 1) params[i] = generators[i]!();
    return params;
  };
}

async function prepareParam(spec: ParamSpec, ctx: ParamContext, label: string): Promise<ValueGenerator> {
  const { random } = ctx;
  switch (spec.kind) {
    case 'int': {
      const min = await resolveBound(spec.min, 'min', ctx, label);
      const max = await resolveBound(spec.max, 'max', ctx, label);
      if (min > max) throw new Error(`${label}: min (${min}) is greater than max (${max}) once resolved; nothing to draw from`);
      const size = max - min + 1;
      if (!Number.isSafeInteger(size)) throw new Error(`${label}: the range ${min}..${max} is too large (more than 2^53 values)`);
      if (spec.distribution === 'uniform') return () => randomInt(random, min, max);
      const rank = createZipfSampler(size, spec.exponent ?? 1, random);
      if (!spec.scatter) return () => min + rank() - 1;
      const scatter = createRankScatter(size, label);
      return () => min + scatter(rank());
    }
    case 'float': {
      const { min } = spec;
      const span = spec.max - spec.min;
      return () => min + random() * span;
    }
    case 'sample': {
      const values = await sampleValues(spec.query, ctx, label);
      if (spec.distribution === 'uniform') return () => values[Math.floor(random() * values.length)];
      // Rank 1 is the first row the query returned.
      const exponent = spec.exponent ?? 1;
      const pick = createAliasSampler(
        values.map((_, i) => 1 / (i + 1) ** exponent),
        random,
      );
      return () => values[pick()];
    }
    case 'choice': {
      const { values } = spec;
      if (!spec.weights) return () => values[Math.floor(random() * values.length)];
      const pick = createAliasSampler(spec.weights, random);
      return () => values[pick()];
    }
    case 'timestampAgo': {
      const now = ctx.now ?? Date.now;
      const minMs = spec.minSeconds * 1000;
      const spanMs = (spec.maxSeconds - spec.minSeconds) * 1000;
      // An ISO string with its zone: PostgreSQL reads it as timestamptz without ambiguity.
      return () => new Date(now() - minMs - random() * spanMs).toISOString();
    }
    case 'constant': {
      const { value } = spec;
      return () => value;
    }
  }
}

async function runQuery(sql: string, ctx: ParamContext, label: string, what: string): Promise<unknown[]> {
  try {
    return await ctx.query(sql);
  } catch (error) {
    throw new Error(`${label}: the ${what} query failed: ${(error as Error).message}\n  query: ${sql}`, { cause: error });
  }
}

async function resolveBound(bound: IntBound, which: 'min' | 'max', ctx: ParamContext, label: string): Promise<number> {
  if (typeof bound === 'number') return bound;
  const rows = await runQuery(bound.query, ctx, label, which);
  const first = rows[0];
  if (rows.length === 0 || first === null || first === undefined) {
    throw new Error(
      `${label}: the ${which} query returned ${rows.length === 0 ? 'no rows' : 'NULL'}, so there is no ${which} to draw from ` +
        `(is the table empty?)\n  query: ${bound.query}`,
    );
  }
  const value = toSafeInteger(first);
  if (value === undefined) {
    throw new Error(`${label}: the ${which} query returned ${JSON.stringify(first)}, which is not an integer\n  query: ${bound.query}`);
  }
  return value;
}

/** pg returns bigint and count(*) as strings: accept integer strings that fit a double exactly. */
function toSafeInteger(value: unknown): number | undefined {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'bigint'
        ? Number(value)
        : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)
          ? Number(value)
          : Number.NaN;
  return Number.isSafeInteger(number) ? number : undefined;
}

async function sampleValues(sql: string, ctx: ParamContext, label: string): Promise<unknown[]> {
  // NULLs are dropped: `col = $1` never matches NULL, so a NULL would be a free, empty request.
  const values = (await runQuery(sql, ctx, label, 'sample')).filter((value) => value !== null && value !== undefined);
  if (values.length === 0) {
    throw new Error(
      `${label}: the sample query returned no values (no rows, or only NULLs), so there is nothing to pick from\n  query: ${sql}`,
    );
  }
  return values;
}

/**
 * Maps Zipf ranks 1..n onto 0..n-1 so that neighbouring ranks land far apart: rank ↦
 * rank·step mod n, a bijection when step and n are coprime. Step ≈ n/φ spreads best.
 * The product is split in 16-bit halves so that it stays exact in a double for n ≤ 2^32.
 */
function createRankScatter(n: number, label: string): (rank: number) => number {
  if (n > 2 ** 32) throw new Error(`${label}: scatter supports ranges of at most 2^32 values, got ${n}`);
  let step = Math.max(1, Math.floor(n * 0.6180339887498949));
  while (greatestCommonDivisor(step, n) !== 1) step += 1;
  const high = Math.floor(step / 65536);
  const low = step % 65536;
  return (rank) => (((rank * high) % n) * 65536 + rank * low) % n;
}

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
