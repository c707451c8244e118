import { createRequire } from 'node:module';
import { PoolError } from './pool-errors.ts';
import type { QueryConfig } from './pooled-connection.ts';

/**
 * Parameter values that pg might fail to encode are encoded here, before anything of the query is sent.
 *
 * pg encodes each value while it writes the query's Bind message. When a value cannot be encoded (a `toPostgres`
 * that throws, a BigInt inside an object, which JSON.stringify refuses, a circular object), pg 8.23 fails the call
 * and sends Close for the query's named statement and a Sync in its place (`Query.prepare`). The Close makes the
 * server drop a statement that pg still lists as prepared on the connection (`parsedStatements`): every later query
 * of that name there is sent as Bind only and fails with 26000 (prepared statement does not exist), among them the
 * queries pipelined right behind it. And its caller is answered before the server has answered that Sync, so the
 * pool would count the query done while its reply is still owed. Encoded first, such a value fails its own call
 * with the reason, nothing reaches the connection, and the others on it run as if it had never been asked.
 *
 * Only objects (Buffers, Dates, arrays, JSON, toPostgres) can fail: strings, numbers, booleans and bigints are sent
 * with toString(). A query with none of them costs a pass over its values, with no copy; one with objects gets a
 * copy holding pg's own encoding of each (pg's `prepareValue`), which pg then sends unchanged, byte for byte what it
 * would have sent.
 */

const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(value: unknown): unknown };

/** The query itself when no value can fail to encode; else a copy with its objects encoded. Throws when one cannot be. */
export function withEncodedValues(query: QueryConfig): QueryConfig {
  const values = query.values;
  if (values === undefined) return query;
  let first = 0;
  while (first < values.length && (typeof values[first] !== 'object' || values[first] === null)) first++;
  if (first === values.length) return query;
  const encoded = values.slice();
  for (let i = first; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'object' || value === null) continue;
    try {
      encoded[i] = prepareValue(value);
    } catch (error) {
      throw new PoolError(
        'invalid-parameter',
        `Parameter $${i + 1} of ${query.name ? `statement "${query.name}"` : 'the query'} cannot be sent to PostgreSQL: ${error instanceof Error ? error.message : String(error)}.`,
        'Pass strings, numbers, booleans, Dates, Buffers, arrays or JSON-serialisable objects (JSON has no BigInt: convert it first). Nothing was sent.',
        { cause: error },
      );
    }
  }
  return { ...query, values: encoded };
}
