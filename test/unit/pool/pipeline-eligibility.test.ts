import { beforeAll, describe, expect, it } from 'vitest';
import { PipelineEligibility, SHORT_STATEMENT_MS } from '../../../main/pool/pipeline-eligibility.ts';
import { loadSqlParser, type SqlParser } from '../../../main/sql/pg-parser.ts';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

/** Eligibility of a statement already timed once at `ms`. */
function afterOneRun(text: string, ms = 0.1): boolean {
  const eligibility = new PipelineEligibility(parser);
  eligibility.record('s', text, ms);
  return eligibility.allows('s', text);
}

describe('PipelineEligibility', () => {
  it.each([
    'SELECT abalance FROM pgbench_accounts WHERE aid = $1',
    'select 1',
    '/* a comment first */ SELECT 1',
    '(SELECT 1)',
    'VALUES ($1::int)',
    'TABLE t',
    'WITH gone AS (DELETE FROM t WHERE id = $1 RETURNING *) SELECT count(*) FROM gone',
    'INSERT INTO t VALUES ($1)',
    'UPDATE t SET a = $1',
    'DELETE FROM t WHERE id = $1',
    'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE',
  ])('pipelines one short read or write: %s', (text) => {
    expect(afterOneRun(text)).toBe(true);
  });

  it.each([
    'BEGIN',
    'START TRANSACTION READ ONLY',
    'COMMIT',
    'SET search_path = x',
    'COPY t FROM STDIN',
    'CALL p()',
    'DO $$ BEGIN END $$',
    'SELECT 1; SELECT 2',
    'LOCK TABLE t',
    'SELEC 1',
  ])('keeps a connection to itself for anything else: %s', (text) => {
    expect(afterOneRun(text)).toBe(false);
  });

  it('runs a statement alone until it has been timed', () => {
    const eligibility = new PipelineEligibility(parser);
    expect(eligibility.allows('s', 'SELECT 1')).toBe(false);
    eligibility.record('s', 'SELECT 1', 0.05);
    expect(eligibility.allows('s', 'SELECT 1')).toBe(true);
  });

  it('stops pipelining a statement whose recent executions are all slow, and resumes once one is short again', () => {
    const eligibility = new PipelineEligibility(parser);
    eligibility.record('s', 'SELECT 1', 0.05);
    // A busy client makes some measurements long: the fastest recent one still decides.
    for (let i = 0; i < 10; i += 1) eligibility.record('s', 'SELECT 1', 20);
    expect(eligibility.allows('s', 'SELECT 1')).toBe(true);
    // Slow for two whole windows (the statement itself, not the client): no longer pipelined.
    for (let i = 0; i < 32; i += 1) eligibility.record('s', 'SELECT 1', 20);
    expect(eligibility.allows('s', 'SELECT 1')).toBe(false);
    eligibility.record('s', 'SELECT 1', 0.05);
    expect(eligibility.allows('s', 'SELECT 1')).toBe(true);
  });

  it('reads a name again when it comes with another text', () => {
    const eligibility = new PipelineEligibility(parser);
    eligibility.record('s', 'SELECT 1', 0.05);
    expect(eligibility.allows('s', 'SELECT 1')).toBe(true);
    expect(eligibility.allows('s', 'BEGIN')).toBe(false);
  });

  it('takes the threshold it is given', () => {
    const eligibility = new PipelineEligibility(parser, 100);
    eligibility.record('s', 'SELECT 1', 50);
    expect(eligibility.allows('s', 'SELECT 1')).toBe(true);
  });

  it('treats the threshold as exclusive', () => {
    expect(afterOneRun('SELECT 1', SHORT_STATEMENT_MS)).toBe(false);
    expect(afterOneRun('SELECT 1', SHORT_STATEMENT_MS * 0.99)).toBe(true);
  });
});
