import type pg from 'pg';

/**
 * Every column as the text PostgreSQL sent, for the workload's two kinds of query:
 * - its templates (`PgWorkloadTarget`): the workload never reads a value, it times the statement and caches its rows
 *   for the next request with the same parameters, so parsing them (a Date per timestamp, JSON, numbers) is work
 *   nobody uses. Client CPU per execution of a 100-row statement fell by about 40%, of a 200-row one by half, with
 *   the cache's encoding included (ARCHITECTURE.md, "Workload rows" under "The workload");
 * - the parameter generators' start-up queries (`sample` values, bounds): a sampled value becomes part of its cache
 *   key as JSON, and warming sends it back from there (`engine/cached-query-recipes.ts`). PostgreSQL reads its own
 *   text back as the same value for any type and in any time zone, where `pg`'s parsed values do not all survive
 *   that trip (a Date comes back as UTC text, another value for a `timestamp` or `date` parameter outside UTC; an
 *   interval or a bytea comes back as an object). `pg` sends every parameter as text anyway, and integer bounds are
 *   read from text (`toSafeInteger`).
 */
export const COLUMNS_AS_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (text: string) => text };
