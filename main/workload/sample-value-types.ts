import pg from 'pg';

const DATE_AND_TIME = new Set<number>([
  pg.types.builtins.DATE,
  pg.types.builtins.TIME,
  pg.types.builtins.TIMETZ,
  pg.types.builtins.TIMESTAMP,
  pg.types.builtins.TIMESTAMPTZ,
]);

/**
 * How the parameter generators' start-up queries read their values: dates and times as PostgreSQL's own text, every
 * other type as `pg` parses it. A sampled value becomes part of its cache key as JSON, and warming sends it back
 * from there (`engine/cached-query-recipes.ts`). A JS Date would come back as its UTC ISO text, which a `timestamp`,
 * `date` or `time` parameter reads as another value when the process's time zone is not UTC; PostgreSQL's text
 * reads back as the same value whatever the time zone.
 */
export const SAMPLE_VALUE_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    DATE_AND_TIME.has(oid) ? (text: string) => text : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};
