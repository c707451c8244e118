import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { quoteIdent } from '../../../main/sql/identifiers.ts';
import { WorkloadProfileError, loadSqlCheck, parseWorkloadProfile } from '../../../main/workload/profile-loader.ts';
import { checkReadOnlySql } from '../../../main/workload/profile-sql-check.ts';

await loadSqlCheck();

/**
 * Property tests of profile parsing and of the SQL check: any input gets either a profile or a
 * WorkloadProfileError naming the field and the line (never another exception), and text inside literals,
 * quoted names and comments never changes the SQL check's verdict.
 */
const RUNS = { numRuns: 300 };

const VALID = {
  name: 'shop',
  rate: 100,
  templates: [{ name: 'by_id', weight: 10, sql: 'SELECT * FROM orders WHERE id = $1', params: [{ kind: 'int', min: 1, max: 1000 }] }],
};

/** Parses and returns the error, failing the property on anything but a profile or a WorkloadProfileError. */
function parseOrError(text: string): WorkloadProfileError | null {
  try {
    parseWorkloadProfile(text, 'fuzz.yaml');
    return null;
  } catch (error) {
    if (!(error instanceof WorkloadProfileError))
      throw new Error(`threw ${String(error)} instead of a WorkloadProfileError`, { cause: error });
    return error;
  }
}

/** A text without NUL (PostgreSQL strings cannot hold it) that is likely to contain SQL's special sequences. */
const tricky = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ';',
        '--',
        '/*',
        '*/',
        '$1',
        '$2',
        '$$',
        '$a$',
        'DELETE',
        'INSERT INTO',
        'FOR UPDATE',
        "'",
        '"',
        '\\',
        '\n',
        "E'",
        'INTO x',
      ),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join('').replaceAll('\0', ''));

const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;

describe('profile parsing never throws anything but a WorkloadProfileError', () => {
  it('for arbitrary YAML/JSON documents', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, asJson) => {
        const text = asJson ? (JSON.stringify(value) ?? '') : stringify(value);
        const error = parseOrError(text);
        if (error) {
          expect(error.message.length).toBeGreaterThan(0);
          for (const issue of error.issues) {
            expect(issue.line).toBeGreaterThanOrEqual(1);
            expect(issue.message.length).toBeGreaterThan(0);
          }
        }
      }),
      RUNS,
    );
  });

  it('for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        parseOrError(text);
      }),
      RUNS,
    );
  });

  it('a valid profile with one field replaced by a wrong value gets an error naming that field', () => {
    const fields: [string, (p: typeof VALID, v: unknown) => void, (v: unknown) => boolean][] = [
      ['rate', (p, v) => ((p as Record<string, unknown>).rate = v), (v) => typeof v === 'number' && v > 0 && v <= 1_000_000],
      [
        'templates[0].weight',
        (p, v) => ((p.templates[0] as Record<string, unknown>).weight = v),
        (v) => typeof v === 'number' && v > 0 && v <= 1_000_000,
      ],
      [
        'templates[0].params[0].max',
        (p, v) => ((p.templates[0]!.params[0] as Record<string, unknown>).max = v),
        (v) => Number.isSafeInteger(v) && (v as number) >= 1,
      ],
      [
        'templates[0].name',
        (p, v) => ((p.templates[0] as Record<string, unknown>).name = v),
        (v) => typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(v),
      ],
    ];
    const wrong = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.double(),
      fc.constantFrom(1e12, -1, 0, Number.NaN, Number.POSITIVE_INFINITY, '', 'x'.repeat(20_000)),
    );
    fc.assert(
      fc.property(fc.constantFrom(...fields), wrong, ([field, set, valid], value) => {
        fc.pre(!valid(value));
        const profile = structuredClone(VALID);
        set(profile, value);
        const error = parseOrError(stringify(profile));
        expect(error, `${field} = ${JSON.stringify(value)} was accepted`).not.toBeNull();
        // The field itself, or a field inside it (a mapping given where `max` takes { query }).
        const named = error!.issues.some((i) => i.field === field || i.field.startsWith(`${field}.`) || i.field.startsWith(`${field}[`));
        expect(named, `${field} = ${JSON.stringify(value)}: ${error!.message}`).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('the SQL check reads text inside literals, quoted names and comments as PostgreSQL does', () => {
  it('a read-only statement stays accepted, with only $1, whatever its literals, names and comments hold', () => {
    fc.assert(
      fc.property(tricky, tricky, tricky, (inLiteral, inName, inComment) => {
        const name = inName.length > 0 ? quoteIdent(inName) : 'x';
        const sql = [
          `SELECT ${literal(inLiteral)} AS ${name} /* ${inComment.replaceAll('/*', '').replaceAll('*/', '')} */`,
          `FROM t -- ${inComment.replaceAll('\n', ' ')}`,
          'WHERE id = $1',
        ].join('\n');
        expect(checkReadOnlySql(sql)).toEqual({ problems: [], parameters: [1] });
      }),
      RUNS,
    );
  });

  it('a writing statement stays refused whatever its literals hold', () => {
    fc.assert(
      fc.property(tricky, (inLiteral) => {
        const sql = `WITH d AS (DELETE FROM t WHERE note = ${literal(inLiteral)} RETURNING id) SELECT * FROM d`;
        const { problems } = checkReadOnlySql(sql);
        expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^must be read-only, but uses DELETE/)]);
        expect(sql.slice(problems[0]!.offset, problems[0]!.offset + 6)).toBe('DELETE');
      }),
      RUNS,
    );
  });

  it('never throws, and every problem points inside the text', () => {
    fc.assert(
      fc.property(fc.oneof(tricky, fc.string({ maxLength: 80 })), (sql) => {
        const { problems, parameters } = checkReadOnlySql(sql);
        for (const problem of problems) {
          expect(problem.offset).toBeGreaterThanOrEqual(0);
          expect(problem.offset).toBeLessThanOrEqual(sql.length);
        }
        expect(parameters.every((n) => Number.isInteger(n))).toBe(true);
      }),
      RUNS,
    );
  });
});
