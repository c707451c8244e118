import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, type SqlParser } from '../../../main/sql/pg-parser.ts';
import { loadSqlCheck } from '../../../main/workload/profile-sql-check.ts';
import { readVerdict, whyNotReplayed } from '../../../main/workload/profile-from-stats-filter.ts';
import type { SessionRole } from '../../../main/workload/profile-from-stats-catalog.ts';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
  await loadSqlCheck();
});

describe('which statements of pg_stat_statements a profile may replay', () => {
  it('includes a read of application tables', () => {
    expect(readVerdict(parser, 'SELECT * FROM orders WHERE id = $1')).toEqual({ include: true });
    expect(readVerdict(parser, 'WITH r AS (SELECT * FROM orders) SELECT count(*) FROM r')).toEqual({ include: true });
  });

  it('lists writes and locking reads as skipped: the workload never writes', () => {
    expect(readVerdict(parser, 'UPDATE orders SET total = $1 WHERE id = $2')).toEqual({
      skip: expect.stringContaining('a write (UPDATE)'),
    });
    expect(readVerdict(parser, 'DELETE FROM orders WHERE id = $1')).toEqual({ skip: expect.stringContaining('a write (DELETE)') });
    expect(readVerdict(parser, 'SELECT * FROM orders WHERE id = $1 FOR UPDATE')).toEqual({ skip: expect.stringContaining('row locks') });
    expect(readVerdict(parser, 'WITH d AS (DELETE FROM orders RETURNING id) SELECT * FROM d')).toEqual({
      skip: expect.stringContaining('DELETE'),
    });
  });

  it('leaves out catalog reads, utility statements and reads of no table without a word', () => {
    expect(readVerdict(parser, 'SELECT * FROM pg_stat_activity')).toEqual({ ignore: expect.any(String) });
    expect(readVerdict(parser, 'SELECT * FROM pg_catalog.pg_class c JOIN orders o ON true')).toEqual({ ignore: expect.any(String) });
    expect(readVerdict(parser, 'BEGIN')).toEqual({ ignore: expect.any(String) });
    expect(readVerdict(parser, 'SELECT $1')).toEqual({ ignore: expect.any(String) });
  });

  it('lists a text the parser rejects as skipped', () => {
    expect(readVerdict(parser, 'SELECT * FROM orders WHERE')).toEqual({ skip: expect.stringContaining('could not be parsed') });
  });

  const session = (overrides: Partial<SessionRole> = {}): SessionRole => ({
    oid: '10',
    name: 'app',
    superuser: false,
    untrustedOwners: [],
    ...overrides,
  });
  const names = new Map([
    ['10', 'app'],
    ['20', 'reporting'],
  ]);

  it('replays the connecting role’s own statements', () => {
    expect(whyNotReplayed(['10'], names, session())).toBeNull();
    expect(whyNotReplayed(['10', '20'], names, session())).toBeNull();
  });

  it('does not replay another role’s statements, and says which role to connect as', () => {
    expect(whyNotReplayed(['20'], names, session())).toMatch(/run by reporting, not by app.*Connect as reporting/);
    expect(whyNotReplayed(['30'], names, session())).toContain('a dropped role (oid 30)');
  });

  it('as a superuser, replays nothing while functions belong to roles that are not superusers', () => {
    expect(whyNotReplayed(['10'], names, session({ superuser: true }))).toBeNull();
    expect(whyNotReplayed(['10'], names, session({ superuser: true, untrustedOwners: ['mallory'] }))).toContain('mallory');
  });
});
