import { CHUNKS_TABLE, demoTable } from '../demo/schema.ts';
import { quoteIdent } from '../sql/identifiers.ts';
import type { HybridFilters } from './planner-types.ts';

const q = quoteIdent;
const CHUNKS = demoTable(CHUNKS_TABLE);

export interface SqlStatement {
  text: string;
  values: unknown[];
}

/** A WHERE condition (without the keyword) and its values, numbered from `firstParameter`. */
export interface FilterCondition {
  /** `TRUE` when there are no filters, so callers can always write `AND ${condition}`. */
  condition: string;
  values: unknown[];
}

/** True when the filters restrict nothing (every chunk passes). */
export function hasFilters(filters: HybridFilters): boolean {
  return filters.origins !== undefined || filters.kinds !== undefined || filters.since !== undefined || filters.until !== undefined;
}

/**
 * The filters as one parameterised condition. Lists travel as one `text[]` parameter each (`= ANY`), so a
 * statement's text depends only on which filters are present: the server plans a handful of shapes, not one
 * per value list.
 */
export function filterCondition(filters: HybridFilters, firstParameter = 1): FilterCondition {
  const parts: string[] = [];
  const values: unknown[] = [];
  const next = (value: unknown): string => {
    values.push(value);
    return `$${firstParameter + values.length - 1}`;
  };
  if (filters.origins !== undefined) parts.push(`${q('system_origin')} = ANY(${next([...filters.origins])}::text[])`);
  if (filters.kinds !== undefined) parts.push(`${q('kind')} = ANY(${next([...filters.kinds])}::text[])`);
  if (filters.since !== undefined) parts.push(`${q('created_at')} >= ${next(filters.since)}::timestamptz`);
  if (filters.until !== undefined) parts.push(`${q('created_at')} < ${next(filters.until)}::timestamptz`);
  return { condition: parts.length === 0 ? 'TRUE' : parts.join(' AND '), values };
}

/**
 * Ids as one `bigint[]` parameter. A `{1,2,3}` literal instead of a JavaScript array: `pg` escapes every element
 * of an array parameter with a regular expression, which for 20,000 ids costs more than the query.
 */
export function idArrayParameter(ids: ArrayLike<number>): string {
  let text = '{';
  for (let i = 0; i < ids.length; i += 1) text += i === 0 ? String(ids[i]) : `,${ids[i]}`;
  return `${text}}`;
}

/**
 * Ids of all chunks passing the filters, as one aggregated text value: one row instead of thousands keeps the
 * protocol and `pg`'s per-row work out of the plan's cost. Read it with `parseIdList`.
 */
export function filterSetSql(filters: HybridFilters): SqlStatement {
  const { condition, values } = filterCondition(filters);
  return {
    text: `SELECT string_agg(${q('id')}::text, ',') AS ${q('ids')} FROM ${CHUNKS} WHERE ${condition}`,
    values,
  };
}

/** Which of `ids` pass the filters (same aggregated form as `filterSetSql`). */
export function checkCandidatesSql(ids: ArrayLike<number>, filters: HybridFilters): SqlStatement {
  const { condition, values } = filterCondition(filters, 2);
  return {
    text: `SELECT string_agg(${q('id')}::text, ',') AS ${q('ids')} FROM ${CHUNKS} WHERE ${q('id')} = ANY($1::bigint[]) AND ${condition}`,
    values: [idArrayParameter(ids), ...values],
  };
}

/** The ids of an aggregated `ids` column (null or empty: none), ascending as in an id set. */
export function parseIdList(text: string | null | undefined): Float64Array {
  if (text === null || text === undefined || text.length === 0) return new Float64Array(0);
  const parts = text.split(',');
  const ids = new Float64Array(parts.length);
  for (let i = 0; i < parts.length; i += 1) ids[i] = Number(parts[i]);
  return ids.sort();
}
