import { z } from 'zod';
import { EMBEDDING_DIMENSIONS, MAX_DEPTH, MAX_K, type HybridQuery } from './planner-types.ts';

/** The largest finite float32: larger numbers would become Infinity in the Float32Array. */
const FLOAT32_MAX = 3.4028234663852886e38;

const time = z
  .union([
    z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with a zone, e.g. 2026-01-31T12:00:00Z' }),
    z.number().finite(),
  ])
  .transform((value) => new Date(value));

const valueList = (what: string) =>
  z
    .array(z.string().min(1, `${what} names cannot be empty`), `must be a list of ${what} names`)
    .min(1, `must name at least one ${what}; leave the field out to allow any ${what}`);

const hybridQuerySchema = z
  .object(
    {
      embedding: z
        .array(
          z
            .number('every embedding value must be a finite number')
            .finite('every embedding value must be a finite number')
            .refine((x) => Math.abs(x) <= FLOAT32_MAX, 'embedding values must fit a float32 (|x| ≤ 3.4e38)'),
          `must be a list of ${EMBEDDING_DIMENSIONS} numbers`,
        )
        .length(EMBEDDING_DIMENSIONS, `must have exactly ${EMBEDDING_DIMENSIONS} values`),
      k: z
        .number('must be a number')
        .int('must be a whole number')
        .min(1, `must be between 1 and ${MAX_K}`)
        .max(MAX_K, `must be between 1 and ${MAX_K}`),
      filters: z
        .strictObject({
          origins: valueList('origin').optional(),
          kinds: valueList('kind').optional(),
          since: time.optional(),
          until: time.optional(),
        })
        .optional(),
      anchor: z
        .strictObject({
          chunkId: z
            .number('must be a number')
            .int('must be a whole number')
            .positive('must be a positive chunk id')
            .max(Number.MAX_SAFE_INTEGER, 'must be a safe integer'),
          depth: z
            .number('must be a number')
            .int('must be a whole number')
            .min(1, `must be between 1 and ${MAX_DEPTH}`)
            .max(MAX_DEPTH, `must be between 1 and ${MAX_DEPTH}`),
        })
        .optional(),
    },
    'a hybrid query must be a JSON object { embedding, k, filters?, anchor? }',
  )
  .strict()
  .superRefine((query, context) => {
    const { since, until } = query.filters ?? {};
    if (since !== undefined && until !== undefined && !(since.getTime() < until.getTime())) {
      context.addIssue({
        code: 'custom',
        path: ['filters', 'until'],
        message: `must be after since (${since.toISOString()}); the window would be empty`,
      });
    }
  });

/** A hybrid query that failed validation; `issues` name the fields, e.g. `embedding: must have exactly 32 values`. */
export class HybridQueryError extends Error {
  override readonly name = 'HybridQueryError';
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`Invalid hybrid query: ${issues.join('; ')}.`);
    this.issues = issues;
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${String(segment)}` : String(segment)),
    '',
  );
}

/**
 * Validates a query as it arrives over the contract (JSON: plain arrays, ISO times or epoch ms) and returns the
 * planner's form (a Float32Array, Dates). Throws `HybridQueryError` listing every problem with its field.
 */
export function parseHybridQuery(json: unknown): HybridQuery {
  const result = hybridQuerySchema.safeParse(json);
  if (!result.success) {
    throw new HybridQueryError(
      result.error.issues.map((issue) => {
        const field = fieldPath(issue.path);
        const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
        return field ? `${field}: ${message}` : message;
      }),
    );
  }
  const { embedding, k, filters, anchor } = result.data;
  return {
    embedding: Float32Array.from(embedding),
    k,
    filters: Object.fromEntries(Object.entries(filters ?? {}).filter(([, value]) => value !== undefined)),
    ...(anchor !== undefined ? { anchor: { chunkId: anchor.chunkId, depth: anchor.depth as 1 | 2 | 3 } } : {}),
  };
}

/** One short line for logs, e.g. `k=10 anchor=123@2 origins=email since=2026-01-30T00:00Z until=…`. */
export function describeHybridQuery(query: HybridQuery): string {
  const parts = [`k=${query.k}`];
  if (query.anchor) parts.push(`anchor=${query.anchor.chunkId}@${query.anchor.depth}`);
  const { origins, kinds, since, until } = query.filters;
  if (origins) parts.push(`origins=${origins.join(',')}`);
  if (kinds) parts.push(`kinds=${kinds.join(',')}`);
  const minute = (d: Date): string => `${d.toISOString().slice(0, 16)}Z`;
  if (since) parts.push(`since=${minute(since)}`);
  if (until) parts.push(`until=${minute(until)}`);
  if (parts.length === 1) parts.push('unfiltered');
  return parts.join(' ');
}
