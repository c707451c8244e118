import type pg from 'pg';

/**
 * How the parameter generators' start-up queries read their values: every column as PostgreSQL's own text, which it
 * reads back as the same value for any type and in any time zone. A sampled value becomes part of its cache key as
 * JSON, and warming sends it back from there (`engine/cached-query-recipes.ts`): `pg`'s parsed values do not all
 * survive that trip (a Date comes back as UTC text, another value for a `timestamp` or `date` parameter outside UTC;
 * an interval or a bytea comes back as an object). `pg` sends every parameter as text anyway, so the text is what the
 * server would have received. Integer bounds read from text too (`toSafeInteger`).
 */
export const SAMPLE_VALUE_TYPES: pg.CustomTypesConfig = { getTypeParser: () => (text: string) => text };
