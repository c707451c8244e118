import { describe, expect, it } from 'vitest';
import { VALID_PROFILE, expectProfileIssue } from './expect-profile-issue.ts';

describe('parseWorkloadProfile: every error names the field and the line', () => {
  it('wrong type, with the offending value quoted', () => {
    const error = expectProfileIssue(VALID_PROFILE.replace('weight: 10', 'weight: heavy'), {
      field: 'templates[0].weight',
      line: 5,
      column: 13,
      message: /^must be a number greater than 0, got "heavy"$/,
    });
    expect(error.message.split('\n')[0]).toBe('test.yaml:5:13: templates[0].weight: must be a number greater than 0, got "heavy"');
    expect([error.field, error.line, error.column, error.source]).toEqual(['templates[0].weight', 5, 13, 'test.yaml']);
  });

  it('a cache section with a TTL that is not a positive number of seconds, or an unknown key', () => {
    expectProfileIssue(VALID_PROFILE.replace('    weight: 10\n', '    weight: 10\n    cache:\n      ttlSeconds: 0\n'), {
      field: 'templates[0].cache.ttlSeconds',
      line: 7,
      message: /must be a number of seconds greater than 0, got 0/,
    });
    expectProfileIssue(VALID_PROFILE.replace('    weight: 10\n', '    weight: 10\n    cache:\n      ttl: 30\n'), {
      field: 'templates[0].cache.ttl',
      line: 7,
      message: /is not a known field here \(allowed: ttlSeconds\)/,
    });
  });

  it('negative weight', () => {
    expectProfileIssue(VALID_PROFILE.replace('weight: 10', 'weight: -3'), {
      field: 'templates[0].weight',
      line: 5,
      message: /greater than 0, got -3/,
    });
  });

  it('missing field: points at the mapping that lacks it', () => {
    expectProfileIssue(VALID_PROFILE.replace('    sql: SELECT * FROM orders WHERE id = $1\n', ''), {
      field: 'templates[0].sql',
      line: 4,
      message: /^is required \(must be one read-only SQL statement\)$/,
    });
  });

  it('missing top-level templates', () => {
    expectProfileIssue('name: x\nrate: 5\n', { field: 'templates', line: 1, message: /is required/ });
  });

  it('unknown param kind lists the known ones', () => {
    expectProfileIssue(VALID_PROFILE.replace('kind: int', 'kind: integer'), {
      field: 'templates[0].params[0].kind',
      line: 8,
      column: 15,
      message: /must be one of int, float, sample, choice, timestampAgo, constant, got "integer"/,
    });
  });

  it('unknown field (a typo) is an error at the key, not silently ignored', () => {
    expectProfileIssue(VALID_PROFILE.replace('weight: 10', 'wieght: 10'), {
      field: 'templates[0].wieght',
      line: 5,
      column: 5,
      message: /not a known field here \(allowed: name, description, sql, weight, params, cache\)/,
    });
  });

  it('duplicate template names', () => {
    const twice = `${VALID_PROFILE}  - name: order_by_id\n    weight: 1\n    sql: SELECT 1\n`;
    expectProfileIssue(twice, {
      field: 'templates[1].name',
      line: 11,
      message: /must be unique, but "order_by_id" is also templates\[0\]/,
    });
  });

  it('template name that is not identifier-like', () => {
    expectProfileIssue(VALID_PROFILE.replace('name: order_by_id', 'name: order by id'), {
      field: 'templates[0].name',
      line: 4,
      message: /must be a name like recent_by_origin.*got "order by id"/,
    });
  });

  it('more placeholders than params', () => {
    expectProfileIssue(VALID_PROFILE.replace('id = $1', 'id = $1 AND shop = $2'), {
      field: 'templates[0].params',
      line: 8,
      message: /the SQL uses up to \$2, but 1 param is listed/,
    });
  });

  it('more params than placeholders', () => {
    expectProfileIssue(VALID_PROFILE.replace('id = $1', 'id = 7'), {
      field: 'templates[0].params',
      line: 8,
      message: /uses up to \$0, but 1 param is listed/,
    });
  });

  it('a gap in the placeholders', () => {
    const text = VALID_PROFILE.replace('id = $1', 'id = $2').replace('max: 1000', 'max: 1000\n      - { kind: constant, value: 1 }');
    expectProfileIssue(text, { field: 'templates[0].sql', line: 6, message: /uses \$2 but never \$1/ });
  });

  it('DELETE is refused, and the message says the workload runs read-only sessions too', () => {
    const error = expectProfileIssue(VALID_PROFILE.replace('SELECT * FROM orders', 'DELETE FROM orders'), {
      field: 'templates[0].sql',
      line: 6,
      column: 10,
      message:
        /must be one read-only statement starting with SELECT, WITH, VALUES or TABLE, got "DELETE" \(the workload also runs every request in a read-only session\)$/,
    });
    expect(error.issues).toHaveLength(1);
  });

  it('a second statement after ";" is refused, pointing at it inside a block scalar', () => {
    const text = VALID_PROFILE.replace(
      '    sql: SELECT * FROM orders WHERE id = $1\n',
      '    sql: |\n      SELECT * FROM orders\n      WHERE id = $1; DROP TABLE x\n',
    );
    expectProfileIssue(text, {
      field: 'templates[0].sql',
      line: 8,
      column: 22,
      message: /must be a single statement, but more follows the ";": "DROP TABLE x"/,
    });
  });

  it('a data-modifying CTE is refused', () => {
    const text = VALID_PROFILE.replace(
      'SELECT * FROM orders WHERE id = $1',
      '"WITH gone AS (DELETE FROM orders WHERE id = $1 RETURNING *) SELECT * FROM gone"',
    );
    expectProfileIssue(text, { field: 'templates[0].sql', line: 6, column: 25, message: /must be read-only, but uses DELETE/ });
  });

  it('min greater than max', () => {
    expectProfileIssue(VALID_PROFILE.replace('min: 1\n', 'min: 5000\n'), {
      field: 'templates[0].params[0].max',
      line: 10,
      message: /must be at least min \(5000\), got 1000/,
    });
  });

  it('non-integer bound', () => {
    expectProfileIssue(VALID_PROFILE.replace('max: 1000', 'max: 10.5'), {
      field: 'templates[0].params[0].max',
      line: 10,
      message: /must be an integer, or \{ query: "SELECT …" \} returning one value, got 10.5/,
    });
  });

  it('a bound query that writes, or takes parameters', () => {
    expectProfileIssue(VALID_PROFILE.replace('max: 1000', 'max: { query: "DELETE FROM orders" }'), {
      field: 'templates[0].params[0].max.query',
      line: 10,
      message: /starting with SELECT.*got "DELETE"/,
    });
    expectProfileIssue(VALID_PROFILE.replace('max: 1000', 'max: { query: "SELECT max(id) FROM orders WHERE shop = $1" }'), {
      field: 'templates[0].params[0].max.query',
      line: 10,
      message: /must not use placeholders \(\$1\)/,
    });
  });

  it('zero or negative Zipf exponent, and exponent without zipf', () => {
    expectProfileIssue(VALID_PROFILE.replace('max: 1000', 'max: 1000\n        distribution: zipf\n        exponent: 0'), {
      field: 'templates[0].params[0].exponent',
      line: 12,
      message: /greater than 0, got 0/,
    });
    expectProfileIssue(VALID_PROFILE.replace('max: 1000', 'max: 1000\n        exponent: 1.1'), {
      field: 'templates[0].params[0].exponent',
      line: 11,
      message: /only applies with distribution: zipf/,
    });
  });

  it('unknown distribution', () => {
    expectProfileIssue(VALID_PROFILE.replace('max: 1000', 'max: 1000\n        distribution: pareto'), {
      field: 'templates[0].params[0].distribution',
      line: 11,
      message: /must be "uniform" or "zipf", got "pareto"/,
    });
  });

  it('choice weights that do not match the values', () => {
    const text = VALID_PROFILE.replace(/ {6}- kind: int\n[\s\S]*$/, '      - { kind: choice, values: [a, b, c], weights: [1, 2] }\n');
    expectProfileIssue(text, { field: 'templates[0].params[0].weights', line: 8, message: /one weight per value \(3\), got 2/ });
  });

  it('timestampAgo with maxSeconds below minSeconds', () => {
    const text = VALID_PROFILE.replace(
      / {6}- kind: int\n[\s\S]*$/,
      '      - kind: timestampAgo\n        minSeconds: 60\n        maxSeconds: 10\n',
    );
    expectProfileIssue(text, { field: 'templates[0].params[0].maxSeconds', line: 10, message: /at least minSeconds \(60\), got 10/ });
  });

  it('rate must be positive', () => {
    expectProfileIssue(VALID_PROFILE.replace('rate: 100', 'rate: 0'), {
      field: 'rate',
      line: 2,
      column: 7,
      message: /greater than 0, got 0/,
    });
  });

  it('a list where a mapping belongs', () => {
    expectProfileIssue('- name: x\n', { field: '', line: 1, message: /must be a mapping/ });
  });

  it('an empty document', () => {
    expectProfileIssue('# nothing here\n', { field: '', line: 1, message: /the profile is empty/ });
  });

  it('reports several problems at once, in line order', () => {
    const text = VALID_PROFILE.replace('rate: 100', 'rate: fast').replace('weight: 10', 'weight: 0');
    const error = expectProfileIssue(text, { field: 'rate', line: 2, message: /got "fast"/ });
    expect(error.issues.map((issue) => [issue.field, issue.line])).toEqual([
      ['rate', 2],
      ['templates[0].weight', 5],
    ]);
    expect(error.message.split('\n')).toHaveLength(2);
  });
});
