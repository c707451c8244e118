/**
 * A parameter's values drawn from its column's statistics (pg_stats), as a `choice` param of the profile format:
 * what the planner knows of the column, turned into requests that look like the column's data.
 *
 * - Equality (=, IN, LIKE): the most common values with their frequencies as weights, and the histogram's bounds
 *   sharing what is left (1 − null fraction − the common values' total), each bound equally: the histogram is
 *   equi-depth, so its bounds are an even sample of the other values.
 * - A range end (<, >, BETWEEN): the histogram's bounds, equally weighted (an even sample of the values' quantiles);
 *   when the column has both ends in the statement (BETWEEN, `>= $1 AND < $2`), the low end from the lower half
 *   of the bounds and the high end from the upper half, so that low ≤ high (the two are drawn independently). Without
 *   a histogram (every value is a common one), the common values, weighted.
 * - LIMIT: a constant, the statement's mean rows per call (for a LIMIT query, the limit unless fewer rows matched),
 *   or DEFAULT_LIMIT when it returned none; OFFSET: 0.
 * Values stay in PostgreSQL's text form (the server parses them as the parameter's type), except integers and
 * floats that read back the same as JSON numbers.
 */
import { MAX_CHOICE_VALUES, MAX_WEIGHT } from './profile-limits.ts';
import type { ParamSpec } from './profile-schema.ts';
import type { ParamRole } from './profile-from-stats-binding.ts';

/** One column's row of pg_stats (arrays as text: PostgreSQL's output of each value). */
export interface ColumnStats {
  nullFrac: number;
  mostCommonVals: string[] | null;
  mostCommonFreqs: number[] | null;
  histogramBounds: string[] | null;
}

/** The LIMIT when the statement's mean rows per call says nothing (it returned no rows). */
export const DEFAULT_LIMIT = 20;

const NUMERIC_TYPES = new Set(['smallint', 'integer', 'bigint', 'real', 'double precision', 'numeric']);

export type SampledParam = { spec: ParamSpec } | { reason: string };

/** The profile's param for `$n` of type `typeName` used as `role` on a column with `stats`. */
export function sampleFromStats(
  role: Exclude<ParamRole, 'limit' | 'offset' | 'shift' | 'constant'>,
  paired: boolean,
  stats: ColumnStats | null,
  typeName: string,
  column: string,
): SampledParam {
  if (!stats) return { reason: `${column} has no statistics (pg_stats is empty for it: ANALYZE its table gathers them)` };
  const common = (stats.mostCommonVals ?? []).map((value, i) => ({ value, weight: stats.mostCommonFreqs?.[i] ?? 0 }));
  const bounds = stats.histogramBounds ?? [];
  let drawn: { value: string; weight: number }[];
  let how: string;
  if (role === 'equal') {
    const rest = Math.max(0, 1 - stats.nullFrac - common.reduce((sum, c) => sum + c.weight, 0));
    const shared =
      rest > 0
        ? evenlyThinned(bounds, MAX_CHOICE_VALUES - common.length).map((value, _, all) => ({ value, weight: rest / all.length }))
        : [];
    drawn = [...common, ...shared];
    how = 'most common values by frequency, histogram bounds for the rest';
  } else if (bounds.length >= 2) {
    const half = Math.ceil(bounds.length / 2);
    const part = !paired ? bounds : role === 'lower' ? bounds.slice(0, half) : bounds.slice(bounds.length - half);
    drawn = evenlyThinned(part, MAX_CHOICE_VALUES).map((value) => ({ value, weight: 1 }));
    how = `histogram bounds${paired ? (role === 'lower' ? ' (lower half: the range’s low end)' : ' (upper half: the range’s high end)') : ''}`;
  } else {
    drawn = common;
    how = 'most common values by frequency (no histogram)';
  }
  drawn = drawn.filter((d) => d.weight > 0).slice(0, MAX_CHOICE_VALUES);
  if (drawn.length === 0) return { reason: `${column} has no values in its statistics (only NULLs, or no common values and no histogram)` };
  const values = drawn.map((d) => literal(d.value, typeName));
  const weights = scaledWeights(drawn.map((d) => d.weight));
  const uniform = weights.every((w) => w === weights[0]);
  return { spec: { kind: 'choice', name: column, description: how, values, ...(uniform ? {} : { weights }) } };
}

/** LIMIT's (or OFFSET's) constant from the statement's rows and calls. */
export function limitFromCounters(role: 'limit' | 'offset', rows: number, calls: number): ParamSpec {
  if (role === 'offset') return { kind: 'constant', name: 'offset', description: 'OFFSET: the first page', value: 0 };
  const mean = calls > 0 ? Math.round(rows / calls) : 0;
  return mean >= 1
    ? { kind: 'constant', name: 'limit', description: 'LIMIT: the rows per call pg_stat_statements counted', value: mean }
    : { kind: 'constant', name: 'limit', description: 'LIMIT: a default (the statement returned no rows)', value: DEFAULT_LIMIT };
}

const TEXT_TYPES = new Set(['text', 'character varying', 'character', 'name']);

/**
 * The value standing in for a parameter the statistics cannot give, where it barely matters: a `shift` (the
 * `$2` of `col < $1::date + $2::interval`) is the type's zero, so the range is the column's own; a `constant` outside
 * every predicate (`$1 - discount`, `substring(phone from $1 for $2)`) is the type's one. The original value is not
 * in pg_stat_statements. Other types are not guessed: the statement is skipped.
 */
export function neutralValue(role: 'shift' | 'constant', typeName: string): SampledParam {
  const zero = role === 'shift';
  const described = (value: string | number | boolean) =>
    ({
      spec: {
        kind: 'constant',
        name: role,
        description: `${zero ? 'added to a column-bound parameter: zero' : 'outside every predicate: a neutral'} ${typeName} (pg_stat_statements keeps no value)`,
        value,
      },
    }) as const;
  if (NUMERIC_TYPES.has(typeName)) return described(zero ? 0 : 1);
  if (typeName === 'interval') return described(zero ? '0' : '1 day');
  if (!zero && typeName === 'boolean') return described(true);
  if (!zero && TEXT_TYPES.has(typeName)) return described('x');
  return {
    reason: `a ${typeName} ${zero ? 'added to a column-bound parameter' : 'outside every predicate'}: no neutral value is known for it`,
  };
}

/** At most `max` of `values`, evenly spaced (keeping the first and the last). */
export function evenlyThinned(values: readonly string[], max: number): string[] {
  if (values.length <= max) return [...values];
  if (max <= 0) return [];
  if (max === 1) return [values[0]!];
  return Array.from({ length: max }, (_, i) => values[Math.round((i * (values.length - 1)) / (max - 1))]!);
}

/** Relative weights as short positive numbers within the profile's bounds (the largest MAX_WEIGHT at most). */
export function scaledWeights(weights: readonly number[]): number[] {
  const largest = Math.max(...weights);
  const scale = largest > MAX_WEIGHT ? MAX_WEIGHT / largest : 1;
  return weights.map((w) => {
    const scaled = Number((w * scale).toPrecision(4));
    return scaled > 0 ? scaled : Number.MIN_VALUE;
  });
}

/** A number where the type is numeric and the text reads back the same as a JSON number; the text otherwise. */
function literal(text: string, typeName: string): string | number {
  if (!NUMERIC_TYPES.has(typeName)) return text;
  const number = Number(text);
  return Number.isFinite(number) && String(number) === text && (!Number.isInteger(number) || Number.isSafeInteger(number)) ? number : text;
}
