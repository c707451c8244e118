/**
 * The workload profile format: named, read-only SQL templates with parameter
 * generators and weights. Users write these for their own schema, so every rule
 * here comes with a message that says what is expected (the loader adds the
 * file, line, field and the offending value).
 *
 * Messages are phrased to follow a field path: `templates[2].weight: must be …`.
 */
import { z } from 'zod';
import { checkReadOnlySql } from './profile-sql-check.ts';
import {
  MAX_CHOICE_VALUES,
  MAX_PARAMS,
  MAX_SECONDS_AGO,
  MAX_SQL_CHARACTERS,
  MAX_TEMPLATES,
  MAX_TEXT_CHARACTERS,
  MAX_WEIGHT,
  MAX_WORKLOAD_RATE,
  MAX_ZIPF_EXPONENT,
} from './profile-limits.ts';

/** Objects reject unknown keys so a typo (`wieght`) is an error, not a silently ignored field. */
function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `is not a known field here (allowed: ${allowed})` : 'must be a mapping (key: value)',
  });
}

const count = (n: number): string => n.toLocaleString('en');
/** A string of at most `max` characters; the message says how long it was. */
const bounded = (schema: z.ZodString, max: number) =>
  schema.max(max, { error: (issue) => `must be at most ${count(max)} characters, got ${count(String(issue.input ?? '').length)}` });
const text = (what: string, max = MAX_TEXT_CHARACTERS) =>
  bounded(z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}, not empty` }), max);
const optionalText = bounded(z.string({ error: 'must be a string' }), MAX_TEXT_CHARACTERS).optional();
const positive = (what: string) => z.number({ error: `must be ${what} greater than 0` }).gt(0, { error: `must be ${what} greater than 0` });
const seconds = z
  .number({ error: 'must be a number of seconds, 0 or more' })
  .min(0, { error: 'must be a number of seconds, 0 or more' })
  .max(MAX_SECONDS_AGO, { error: `must be at most ${count(MAX_SECONDS_AGO)} seconds (100 years)` });
const distribution = z.enum(['uniform', 'zipf'], { error: 'must be "uniform" or "zipf"' });
const exponent = positive('a number').max(MAX_ZIPF_EXPONENT, {
  error: `must be at most ${MAX_ZIPF_EXPONENT} (a larger exponent draws rank 1 almost always)`,
});
const weight = positive('a number').max(MAX_WEIGHT, {
  error: `must be at most ${count(MAX_WEIGHT)} (weights are relative: scale them all down)`,
});
const literal = z.union([bounded(z.string(), MAX_TEXT_CHARACTERS), z.number(), z.boolean(), z.null()], {
  error: 'must be a string, number, boolean or null',
});
const SAFE = Number.MAX_SAFE_INTEGER;
const safeInteger = z
  .number()
  .int()
  .min(-SAFE, { error: `must be an integer from ${-SAFE} to ${SAFE}` })
  .max(SAFE, { error: `must be an integer from ${-SAFE} to ${SAFE}` });
/** A list of at most `max` entries. */
const list = <T extends z.ZodType>(item: T, what: string, max: number, noun: string) =>
  z.array(item, { error: `must be a list of ${what}` }).max(max, { error: `must list at most ${count(max)} ${noun}` });

/**
 * A read-only query run once when the workload starts (bounds, sample lists). It
 * takes no parameters, and only its first column is used.
 */
const startupQuery = text('a read-only SQL query').superRefine((sql, ctx) => {
  const { problems, parameters } = checkReadOnlySql(sql);
  for (const problem of problems) ctx.addIssue({ code: 'custom', message: problem.message, params: { sqlOffset: problem.offset } });
  if (parameters.length > 0) {
    ctx.addIssue({ code: 'custom', message: `must not use placeholders ($${parameters[0]}): it runs once at start, without parameters` });
  }
});

/** A bound of an `int` param: a literal, or the single value of a query such as `SELECT max(id) FROM t`. */
const intBound = z.union([safeInteger, strictObject({ query: startupQuery })], {
  error: 'must be an integer, or { query: "SELECT …" } returning one value',
});

const common = { name: text('a short name for this param').optional(), description: optionalText };

function zipfOnly(value: { distribution: string; exponent?: number | undefined }, ctx: z.RefinementCtx): void {
  if (value.distribution !== 'zipf' && value.exponent !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['exponent'], message: 'only applies with distribution: zipf' });
  }
}

const intParam = strictObject({
  kind: z.literal('int'),
  ...common,
  min: intBound,
  max: intBound,
  distribution: distribution.default('uniform'),
  /** Zipf exponent s: P(rank k) ∝ 1/k^s. 1 is the classic law; larger is more skewed. Default 1. */
  exponent: exponent.optional(),
  /**
   * Zipf ranks map to min, min+1, … by default, so the hot keys are neighbours (and
   * share pages). `scatter: true` spreads the hot keys over the range instead.
   */
  scatter: z.boolean({ error: 'must be true or false' }).default(false),
}).superRefine((value, ctx) => {
  zipfOnly(value, ctx);
  if (typeof value.min === 'number' && typeof value.max === 'number' && value.min > value.max) {
    ctx.addIssue({ code: 'custom', path: ['max'], message: `must be at least min (${value.min}), got ${value.max}` });
  } else if (typeof value.min === 'number' && typeof value.max === 'number' && !Number.isSafeInteger(value.max - value.min + 1)) {
    ctx.addIssue({
      code: 'custom',
      path: ['max'],
      message: `must keep the range small enough: the range from min to max must hold at most ${SAFE} values, got ${value.min} to ${value.max}`,
    });
  }
  if (value.scatter && value.distribution !== 'zipf') {
    ctx.addIssue({ code: 'custom', path: ['scatter'], message: 'only applies with distribution: zipf' });
  }
});

const floatParam = strictObject({
  kind: z.literal('float'),
  ...common,
  min: z.number({ error: 'must be a number' }),
  max: z.number({ error: 'must be a number' }),
}).superRefine((value, ctx) => {
  if (value.min > value.max)
    ctx.addIssue({ code: 'custom', path: ['max'], message: `must be at least min (${value.min}), got ${value.max}` });
  else if (!Number.isFinite(value.max - value.min))
    ctx.addIssue({ code: 'custom', path: ['max'], message: `max − min must be a finite number, got ${value.min} to ${value.max}` });
});

const sampleParam = strictObject({
  kind: z.literal('sample'),
  ...common,
  /** Values = first column of this query, run once at start. Rank 1 (hottest under zipf) is the first row, so ORDER BY it. */
  query: startupQuery,
  distribution: distribution.default('uniform'),
  exponent: exponent.optional(),
}).superRefine(zipfOnly);

const choiceParam = strictObject({
  kind: z.literal('choice'),
  ...common,
  values: list(literal, 'values', MAX_CHOICE_VALUES, 'values').min(1, { error: 'must list at least one value' }),
  weights: list(weight, 'numbers greater than 0', MAX_CHOICE_VALUES, 'weights').optional(),
}).superRefine((value, ctx) => {
  if (value.weights && value.weights.length !== value.values.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['weights'],
      message: `must have one weight per value (${value.values.length}), got ${value.weights.length}`,
    });
  }
});

const timestampAgoParam = strictObject({
  kind: z.literal('timestampAgo'),
  ...common,
  minSeconds: seconds,
  maxSeconds: seconds,
}).superRefine((value, ctx) => {
  if (value.minSeconds > value.maxSeconds) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxSeconds'],
      message: `must be at least minSeconds (${value.minSeconds}), got ${value.maxSeconds}`,
    });
  }
});

const constantParam = strictObject({ kind: z.literal('constant'), ...common, value: literal });

export const PARAM_KINDS = ['int', 'float', 'sample', 'choice', 'timestampAgo', 'constant'] as const;

export const ParamSpecSchema = z.discriminatedUnion(
  'kind',
  [intParam, floatParam, sampleParam, choiceParam, timestampAgoParam, constantParam],
  { error: `must be one of ${PARAM_KINDS.join(', ')}` },
);

/** Reads through the engine's cache: the template's result for given parameters is kept this long. */
const templateCache = strictObject({
  ttlSeconds: positive('a number of seconds').max(7 * 24 * 3600, { error: 'must be at most 604800 seconds (7 days)' }),
});

export const TemplateSpecSchema = strictObject({
  name: z
    .string({ error: 'must be a name like recent_by_origin (letters, digits, _)' })
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: 'must be a name like recent_by_origin (letters, digits, _; at most 63)' }),
  description: optionalText,
  /** One read-only statement with placeholders $1…$N, one per entry of `params`. */
  sql: text('one read-only SQL statement', MAX_SQL_CHARACTERS),
  /** Relative share of requests (weights need not sum to anything). */
  weight,
  params: list(ParamSpecSchema, 'params', MAX_PARAMS, 'params').default([]),
  /** Absent: every request goes to the database. */
  cache: templateCache.optional(),
}).superRefine((template, ctx) => {
  const { problems, parameters } = checkReadOnlySql(template.sql);
  for (const problem of problems) {
    ctx.addIssue({ code: 'custom', path: ['sql'], message: problem.message, params: { sqlOffset: problem.offset } });
  }
  const highest = parameters.at(-1) ?? 0;
  if (highest !== template.params.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['params'],
      message:
        `must have one entry per placeholder: the SQL uses up to $${highest}, ` +
        `but ${template.params.length} param${template.params.length === 1 ? ' is' : 's are'} listed ($1 is the first entry)`,
    });
  }
  for (let n = 1; n < highest; n += 1) {
    if (!parameters.includes(n)) {
      ctx.addIssue({
        code: 'custom',
        path: ['sql'],
        message: `uses $${highest} but never $${n}: PostgreSQL cannot infer the type of an unused placeholder`,
      });
    }
  }
});

/**
 * A hybrid retrieval template: "the k chunks most similar to an embedding, [within n hops of a chunk], [from these
 * origins, kinds, days]". Its queries are drawn by the plan selector's generator over the demo schema (they are not
 * SQL: the selector picks how to answer each, see main/planner/), so it has no `sql` and no `params`.
 */
export const HybridTemplateSpecSchema = strictObject({
  name: z
    .string({ error: 'must be a name like similar_chunks (letters, digits, _)' })
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: 'must be a name like similar_chunks (letters, digits, _; at most 63)' }),
  description: optionalText,
  weight,
  /** Share of queries with a graph anchor ("within n hops of chunk X"), 0 to 1. */
  anchored: z
    .number({ error: 'must be a share from 0 to 1' })
    .min(0, { error: 'must be a share from 0 to 1' })
    .max(1, { error: 'must be a share from 0 to 1' }),
  /** Share of queries with no or broad filters, 0 to 1; absent: the generator's mix. */
  unselective: z
    .number({ error: 'must be a share from 0 to 1' })
    .min(0, { error: 'must be a share from 0 to 1' })
    .max(1, { error: 'must be a share from 0 to 1' })
    .optional(),
});

export const WorkloadProfileSchema = strictObject({
  name: text('a name for this workload'),
  description: optionalText,
  /** Default target rate in requests per second (the runner may override it). */
  rate: positive('a number of requests per second')
    .max(MAX_WORKLOAD_RATE, {
      error: `must be at most ${count(MAX_WORKLOAD_RATE)} requests per second (what the workload runner can schedule)`,
    })
    .optional(),
  templates: list(TemplateSpecSchema, 'templates', MAX_TEMPLATES, 'templates').min(1, { error: 'must list at least one template' }),
  /** Hybrid retrieval templates over the demo schema, answered through the plan selector. */
  hybrid: list(HybridTemplateSpecSchema, 'hybrid templates', MAX_TEMPLATES, 'hybrid templates').default([]),
}).superRefine((profile, ctx) => {
  const seen = new Map<string, string>();
  const check = (list: 'templates' | 'hybrid', name: string, index: number) => {
    const first = seen.get(name);
    if (first === undefined) seen.set(name, `${list}[${index}]`);
    else ctx.addIssue({ code: 'custom', path: [list, index, 'name'], message: `must be unique, but "${name}" is also ${first}` });
  };
  profile.templates.forEach((template, index) => check('templates', template.name, index));
  profile.hybrid.forEach((template, index) => check('hybrid', template.name, index));
});

export type WorkloadProfile = z.output<typeof WorkloadProfileSchema>;
export type TemplateSpec = z.output<typeof TemplateSpecSchema>;
export type ParamSpec = z.output<typeof ParamSpecSchema>;
export type HybridTemplateSpec = z.output<typeof HybridTemplateSpecSchema>;
export type ParamKind = ParamSpec['kind'];
export type IntBound = z.output<typeof intBound>;
