import { describe, expect, it } from 'vitest';
import { indexFindings, type ExistingIndex } from '../../../main/advisor/existing-indexes.ts';
import { indexScanKey } from '../../../main/advisor/replica-index-scans.ts';

const index = (name: string, column: string, scans: number): ExistingIndex => ({
  schema: 'public',
  table: 't',
  name,
  method: 'btree',
  keys: [{ name: column, direction: 'asc' }],
  include: [],
  predicate: null,
  valid: true,
  unique: false,
  primary: false,
  constraint: false,
  scans,
  sizeBytes: 8192,
  definition: `CREATE INDEX ${name} ON public.t USING btree (${column})`,
  statsSince: new Date(Date.now() - 3_600_000),
});

const unused = (findings: ReturnType<typeof indexFindings>) => findings.filter((f) => f.kind === 'unused').map((f) => f.index);

describe('indexFindings with read replicas (scans summed over every server)', () => {
  const existing = [index('t_a', 'a', 0), index('t_b', 'b', 0), index('t_c', 'c', 3)];

  it('an index scanned only on a replica is not unused; one no server scanned is', () => {
    const replicas = [
      { server: 'replica-1', scans: new Map([[indexScanKey('public', 't_a'), 0]]) },
      { server: 'replica-2', scans: new Map([[indexScanKey('public', 't_a'), 12]]) },
    ];
    const findings = indexFindings(existing, replicas);
    expect(unused(findings)).toEqual(['t_b']);
    expect(findings.find((f) => f.index === 't_b')!.detail).toMatch(/^0 scans on the primary and replica-1, replica-2 since /);
  });

  it('without replicas, it is the primary’s count, said as before', () => {
    const findings = indexFindings(existing);
    expect(unused(findings)).toEqual(['t_a', 't_b']);
    expect(findings[0]!.detail).toMatch(/^0 scans since /);
  });

  it('names a replica whose counters could not be read, rather than count it as 0 scans silently', () => {
    const findings = indexFindings(existing, [{ server: 'replica-1', scans: null, error: 'connection refused' }]);
    expect(unused(findings)).toEqual(['t_a', 't_b']);
    expect(findings[0]!.detail).toMatch(
      /^0 scans on the primary since .*; not counted: replica-1 \(connection refused\), whose reads may use it$/,
    );
  });
});
