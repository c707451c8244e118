import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkloadProfileError, loadWorkloadProfile, parseWorkloadProfile } from '../../../main/workload/profile-loader.ts';
import { loadSqlCheck } from '../../../main/workload/profile-sql-check.ts';
import { VALID_PROFILE, expectProfileIssue } from './expect-profile-issue.ts';

/** Bounds on every number, list and string of a profile, and input that is not a profile at all. */
beforeAll(() => loadSqlCheck());

const withParam = (param: string): string =>
  VALID_PROFILE.replace(
    '      - kind: int\n        min: 1\n        max: 1000\n',
    param
      .split('\n')
      .map((line) => `      ${line}`)
      .join('\n') + '\n',
  );

describe('numbers a profile may hold', () => {
  it("a rate of 1e12 is refused with the limit the runner can schedule (the issue's reproduction)", () => {
    expectProfileIssue(VALID_PROFILE.replace('rate: 100', 'rate: 1e12'), {
      field: 'rate',
      line: 2,
      message: /^must be at most 1,000,000 requests per second \(what the workload runner can schedule\), got 1000000000000$/,
    });
  });

  it.each([
    ['.nan', /got NaN/],
    ['.inf', /got Infinity/],
    ['-.inf', /got -Infinity/],
    ['-5', /greater than 0, got -5/],
    ['0', /greater than 0, got 0/],
  ])('a rate of %s is refused', (rate, message) => {
    expectProfileIssue(VALID_PROFILE.replace('rate: 100', `rate: ${rate}`), { field: 'rate', line: 2, message });
  });

  it('a weight must be finite and at most 1,000,000', () => {
    expectProfileIssue(VALID_PROFILE.replace('weight: 10', 'weight: .inf'), {
      field: 'templates[0].weight',
      line: 5,
      message: /got Infinity/,
    });
    expectProfileIssue(VALID_PROFILE.replace('weight: 10', 'weight: 1e300'), {
      field: 'templates[0].weight',
      line: 5,
      message: /at most 1,000,000/,
    });
  });

  it('int bounds must be safe integers, and their range must fit one too', () => {
    expectProfileIssue(withParam('- kind: int\n  min: -1e20\n  max: 5'), {
      field: 'templates[0].params[0].min',
      line: 9,
      message: /integer from -9007199254740991 to 9007199254740991/,
    });
    expectProfileIssue(withParam('- kind: int\n  min: -9007199254740991\n  max: 9007199254740991'), {
      field: 'templates[0].params[0].max',
      line: 10,
      message: /range from min to max must hold at most 9007199254740991 values/,
    });
  });

  it('float bounds must be finite and their span finite', () => {
    expectProfileIssue(withParam('- kind: float\n  min: .nan\n  max: 5'), {
      field: 'templates[0].params[0].min',
      line: 9,
      message: /got NaN/,
    });
    expectProfileIssue(withParam('- kind: float\n  min: -1e308\n  max: 1e308'), {
      field: 'templates[0].params[0].max',
      line: 10,
      message: /max − min must be a finite number/,
    });
  });

  it('timestampAgo seconds are at most 100 years, and a Zipf exponent at most 10', () => {
    expectProfileIssue(withParam('- kind: timestampAgo\n  minSeconds: 0\n  maxSeconds: 1e12'), {
      field: 'templates[0].params[0].maxSeconds',
      line: 10,
      message: /at most 3,155,760,000 seconds \(100 years\)/,
    });
    expectProfileIssue(withParam('- kind: int\n  min: 1\n  max: 10\n  distribution: zipf\n  exponent: 1e6'), {
      field: 'templates[0].params[0].exponent',
      line: 12,
      message: /at most 10/,
    });
  });
});

describe('sizes of lists and strings', () => {
  it('a choice list of more than 10,000 values', () => {
    const values = JSON.stringify(Array.from({ length: 10_001 }, (_, i) => i));
    expectProfileIssue(withParam(`- kind: choice\n  values: ${values}`), {
      field: 'templates[0].params[0].values',
      line: 9,
      message: /at most 10,000 values/,
    });
  });

  it('more than 1,000 templates, or more than 100 params', () => {
    const template = (i: number): string => `  - name: t${i}\n    weight: 1\n    sql: SELECT 1\n`;
    const many = `name: big\ntemplates:\n${Array.from({ length: 1001 }, (_, i) => template(i)).join('')}`;
    expectProfileIssue(many, { field: 'templates', line: 3, message: /at most 1,000 templates/ });
    const params = Array.from({ length: 101 }, (_, i) => `$${i + 1}`).join(', ');
    const text = `name: p\ntemplates:\n  - name: t\n    weight: 1\n    sql: SELECT ${params}\n    params: ${JSON.stringify(Array.from({ length: 101 }, () => ({ kind: 'constant', value: 1 })))}\n`;
    expectProfileIssue(text, { field: 'templates[0].params', line: 6, message: /at most 100 params/ });
  });

  it('SQL longer than 100,000 characters and a description longer than 10,000', () => {
    const sql = `SELECT 1${' '.repeat(100_001)}`;
    expectProfileIssue(
      VALID_PROFILE.replace('    sql: SELECT * FROM orders WHERE id = $1\n', `    sql: ${JSON.stringify(sql)}\n`).replace(
        / {4}params:[\s\S]*$/,
        '',
      ),
      {
        field: 'templates[0].sql',
        line: 6,
        message: /at most 100,000 characters, got 100,009/,
      },
    );
    expectProfileIssue(VALID_PROFILE.replace('name: shop\n', `name: shop\ndescription: ${'x'.repeat(10_001)}\n`), {
      field: 'description',
      line: 2,
      message: /at most 10,000 characters/,
    });
  });
});

describe('documents that are not profiles', () => {
  it('an alias bomb is refused, not expanded', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i += 1)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const error = expectProfileIssue(`${bomb.join('\n')}\nname: x\ntemplates: []\n`, { field: '', line: 1, message: /aliases/ });
    expect(error.message.length).toBeLessThan(2_000);
  });

  it('nesting 100,000 levels deep is refused with a WorkloadProfileError, not a stack overflow', () => {
    const deep = `name: x\ntemplates: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    expect(() => parseWorkloadProfile(deep, 'deep.yaml')).toThrow(WorkloadProfileError);
    expect(() => parseWorkloadProfile(deep, 'deep.yaml')).toThrow(/nested more than 64 levels deep/);
  });
});

describe('files that are not text', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotpath-profile-limits-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const binaries: [string, Buffer][] = [
    [
      'a PNG image',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xde, 0xad, 0xbe, 0xef]),
    ],
    [
      'invalid UTF-8 without a NUL byte',
      Buffer.concat([Buffer.from('name: x\ntemplates:\n  - name: '), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('\n')]),
    ],
    ['a NUL byte inside otherwise valid YAML', Buffer.from(`${VALID_PROFILE}\u0000`)],
    ['a gzip archive', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x8b, 0x02, 0x00])],
  ];
  for (const [what, bytes] of binaries) {
    it(`${what}: says it is not a profile, with the path and without the bytes`, async () => {
      const path = join(dir, `${what.replaceAll(' ', '-')}.yaml`);
      await writeFile(path, bytes);
      const error = await loadWorkloadProfile(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkloadProfileError);
      const message = (error as Error).message;
      expect(message).toContain(path);
      expect(message).toMatch(/this is not a YAML\/JSON workload profile/);
      expect(message).toMatch(/^[\x20-\x7e\n]*$/); // nothing but printable text: no bytes of the file
    });
  }

  it('a device such as /dev/zero is refused without being read', async () => {
    await expect(loadWorkloadProfile('/dev/zero')).rejects.toThrow(
      /\/dev\/zero: this is not a YAML\/JSON workload profile: it is not a regular file/,
    );
  });

  it('a file over 1 MiB is refused before it is read', async () => {
    const path = join(dir, 'huge.yaml');
    await writeFile(path, `${VALID_PROFILE}# ${'x'.repeat(1_100_000)}\n`);
    await expect(loadWorkloadProfile(path)).rejects.toThrow(/is 1\.\d MiB; a workload profile is at most 1 MiB/);
  });
});
