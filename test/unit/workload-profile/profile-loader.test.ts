import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkloadProfileError, loadWorkloadProfile, parseWorkloadProfile } from '../../../main/workload/profile-loader.ts';
import { VALID_PROFILE, expectProfileIssue } from './expect-profile-issue.ts';

describe('parseWorkloadProfile: valid input', () => {
  it('reads YAML and fills in defaults', () => {
    const profile = parseWorkloadProfile(VALID_PROFILE, 'shop.yaml');
    expect(profile.name).toBe('shop');
    expect(profile.rate).toBe(100);
    expect(profile.templates).toHaveLength(1);
    expect(profile.templates[0]!.params[0]).toEqual({ kind: 'int', min: 1, max: 1000, distribution: 'uniform', scatter: false });
  });

  it('reads JSON, and a template without placeholders needs no params', () => {
    const json = JSON.stringify({ name: 'j', templates: [{ name: 'total', sql: 'SELECT count(*) FROM t', weight: 1 }] }, null, 2);
    const profile = parseWorkloadProfile(json, 'profile.json');
    expect(profile.templates[0]!.params).toEqual([]);
    expect(profile.rate).toBeUndefined();
  });

  it('accepts every param kind', () => {
    const profile = parseWorkloadProfile(
      `name: all
templates:
  - name: everything
    weight: 1
    sql: SELECT $1::int, $2::float8, $3::text, $4::text, $5::timestamptz, $6::text
    params:
      - { kind: int, min: { query: "SELECT min(id) FROM t" }, max: 10, distribution: zipf, exponent: 1.2 }
      - { kind: float, min: 0, max: 1.5 }
      - { kind: sample, query: "SELECT DISTINCT origin FROM t ORDER BY 1", distribution: zipf }
      - { kind: choice, values: [a, b, null], weights: [3, 1, 1] }
      - { kind: timestampAgo, minSeconds: 0, maxSeconds: 3600 }
      - { kind: constant, value: fixed }
`,
      'all.yaml',
    );
    expect(profile.templates[0]!.params.map((p) => p.kind)).toEqual(['int', 'float', 'sample', 'choice', 'timestampAgo', 'constant']);
  });
  it('lets templates share param specs through YAML anchors and merge keys', () => {
    const profile = parseWorkloadProfile(
      `name: shared
templates:
  - name: by_id
    weight: 3
    sql: SELECT * FROM t WHERE id = $1
    params:
      - &hot_id { kind: int, min: 1, max: 500, distribution: zipf }
  - name: neighbours
    weight: 1
    sql: SELECT * FROM e WHERE src = $1
    params:
      - *hot_id
  - name: neighbours_skewed
    weight: 1
    sql: SELECT * FROM e WHERE src = $1
    params:
      - { <<: *hot_id, exponent: 1.5 }
`,
      'shared.yaml',
    );
    expect(profile.templates[1]!.params[0]).toEqual(profile.templates[0]!.params[0]);
    expect(profile.templates[2]!.params[0]).toMatchObject({ kind: 'int', max: 500, distribution: 'zipf', exponent: 1.5 });
  });
});

describe('parseWorkloadProfile: syntax errors', () => {
  it('YAML syntax error reports line, column and the field it is in', () => {
    const text = VALID_PROFILE.replace('max: 1000', 'max: "1000');
    expectProfileIssue(text, { field: 'templates[0].params[0].max', line: 11, message: /^syntax error: Missing closing "quote/ });
  });

  it('a duplicate key is a syntax error at the second key', () => {
    expectProfileIssue(VALID_PROFILE.replace('rate: 100', 'rate: 100\nrate: 200'), {
      field: 'rate',
      line: 3,
      column: 1,
      message: /Map keys must be unique/,
    });
  });

  it('JSON syntax error', () => {
    const json = '{\n  "name": "x",\n  "templates": [\n    {"name": "a",, "sql": "SELECT 1", "weight": 1}\n  ]\n}\n';
    expectProfileIssue(json, { field: 'templates[0]', line: 4, message: /^syntax error: / }, 'p.json');
  });

  it('JSON validation errors point into the JSON text', () => {
    const json = '{\n  "name": "x",\n  "templates": [\n    {"name": "a", "sql": "SELECT 1", "weight": "heavy"}\n  ]\n}\n';
    expectProfileIssue(json, { field: 'templates[0].weight', line: 4, column: 48, message: /got "heavy"/ }, 'p.json');
  });
});

describe('loadWorkloadProfile', () => {
  it('reads a file and names it in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hotpath-profile-'));
    try {
      const good = join(dir, 'good.yaml');
      await writeFile(good, VALID_PROFILE);
      expect((await loadWorkloadProfile(good)).name).toBe('shop');
      const bad = join(dir, 'bad.yaml');
      await writeFile(bad, VALID_PROFILE.replace('weight: 10', 'weight: heavy'));
      await expect(loadWorkloadProfile(bad)).rejects.toThrow(
        `${bad}:5:13: templates[0].weight: must be a number greater than 0, got "heavy"`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a missing file says which path and what to do', async () => {
    const missing = join(tmpdir(), 'hotpath-no-such-profile.yaml');
    const error = await loadWorkloadProfile(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkloadProfileError);
    expect((error as WorkloadProfileError).message).toMatch(
      /workload profile not found at .*hotpath-no-such-profile\.yaml\. Check the path/,
    );
    expect((error as WorkloadProfileError).source).toBe(missing);
    expect((error as WorkloadProfileError).line).toBeUndefined();
  });

  it('a directory is refused with a hint', async () => {
    await expect(loadWorkloadProfile(tmpdir())).rejects.toThrow(/is a directory; pass the path of a \.yaml or \.json workload profile/);
  });
});
