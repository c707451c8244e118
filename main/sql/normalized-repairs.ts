import type { SqlParser } from './pg-parser.ts';
import { repairTypedParameters } from './typed-parameters.ts';
import { repairUntypedArithmetic } from './untyped-arithmetic.ts';

/**
 * A normalized statement (pg_stat_statements', or any text with `$n` in place of constants) made plannable where
 * the placeholders alone broke it: typed literals planned as casts (`date $1` → `$1::date`, typed-parameters.ts),
 * then arithmetic on two placeholders typed (`$1 - $2` → `$1::numeric - $2::numeric`, untyped-arithmetic.ts). Each
 * repair is kept only when its result parses; the text is returned unchanged when neither applies.
 */
export function repairNormalizedText(parser: SqlParser, sql: string): string {
  const typed = repairTypedParameters(parser, sql) ?? sql;
  return repairUntypedArithmetic(parser, typed) ?? typed;
}
