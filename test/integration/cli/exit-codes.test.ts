import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrl, withDatabase } from '../../support/databases.ts';
import { runCli } from '../../support/run-cli.ts';

/**
 * Every command that cannot do its job exits non-zero (1), with the reason as the last word on stderr; only a
 * command that did what it was asked exits 0. (optimize's partial failure, 2, is in optimize-exit-code.test.ts.)
 */
describe('hotpath exit codes on failure', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotpath-exit-codes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, () => string[], RegExp][] = [
    ['an unknown command', () => ['frobnicate'], /unknown command 'frobnicate'/],
    ['an unknown option', () => ['serve', '--frobnicate'], /unknown option '--frobnicate'/],
    ['a port out of range', () => ['serve', '--port', '70000'], /--port must be 0 \(any free port\) to 65535/],
    ['--local and --pg together (serve)', () => ['serve', '--local', '--pg', 'postgres://a@b/c'], /either --local or --pg/],
    ['--local and --pg together (start)', () => ['start', '--local', '--pg', 'postgres://a@b/c'], /either --local or --pg/],
    ['--workload without a stack', () => ['serve', '--workload', 'demo', '--port', '0'], /--workload needs a stack/],
    ['optimize without a database', () => ['optimize', '--dry-run'], /optimize needs a database/],
    [
      '--seed with --read-only on your database (serve)',
      () => ['serve', '--pg', serverUrl('pg15'), '--read-only', '--seed', '--port', '0', '--data-dir', dir],
      /--seed cannot be combined with --read-only/,
    ],
    [
      'a server that is not there (serve)',
      () => ['serve', '--pg', 'postgres://postgres@127.0.0.1:1/x', '--port', '0'],
      /Nothing accepts connections on 127\.0\.0\.1:1/,
    ],
    [
      'a server that is not there (optimize)',
      () => ['optimize', '--pg', 'postgres://postgres@127.0.0.1:1/x', '--dry-run'],
      /Nothing accepts connections on 127\.0\.0\.1:1/,
    ],
    [
      'a database that does not exist on PG 15',
      () => ['serve', '--pg', withDatabase(serverUrl('pg15'), 'hotpath_no_such_database'), '--port', '0', '--data-dir', dir],
      /hotpath_no_such_database/,
    ],
    [
      'a database that does not exist on PG 18',
      () => ['optimize', '--pg', withDatabase(serverUrl('pg18'), 'hotpath_no_such_database'), '--dry-run', '--data-dir', dir],
      /hotpath_no_such_database/,
    ],
    [
      'a workload file that is missing',
      () => ['serve', '--pg', serverUrl('pg15'), '--workload', join(dir, 'missing.yaml'), '--port', '0', '--data-dir', dir],
      /missing\.yaml/,
    ],
    ['an unknown benchmark suite', () => ['bench', 'frobnicate'], /Unknown benchmark suite frobnicate/],
    ['a data folder that is a file (--local)', () => ['serve', '--local', '--data-dir', join(dir, 'a-file'), '--port', '0'], /a-file/],
  ];

  it.each(cases)('%s exits 1 and says why', async (_what, args, message) => {
    await writeFile(join(dir, 'a-file'), 'not a folder');
    const result = await runCli(args());
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});
