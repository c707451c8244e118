import { repairExtractField } from './extract-field.ts';
import type { SqlParser } from './pg-parser.ts';
import { repairTypedParameters } from './typed-parameters.ts';
import { repairUntypedArithmetic } from './untyped-parameters.ts';

/**
 * A normalized statement (pg_stat_statements', or any text with `$n` in place of constants) made plannable where
 * the placeholders alone broke it: typed literals planned as casts (`date $1` → `$1::date`, typed-parameters.ts),
 * EXTRACT's field in function form (`extract($1 from d)` → `pg_catalog.date_part($1::text, d)`, extract-field.ts),
 * then numeric placeholders typed (`$1 - $2` → `$1::numeric - $2::numeric`, and a summed CASE of placeholders,
 * untyped-parameters.ts). Each repair is kept only when its result parses; the text is returned unchanged when none
 * applies.
 */
export function repairNormalizedText(parser: SqlParser, sql: string): string {
  const typed = repairTypedParameters(parser, sql) ?? sql;
  const extracted = repairExtractField(parser, typed) ?? typed;
  return repairUntypedArithmetic(parser, extracted) ?? extracted;
}
