import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DESKTOP_OPTIONS_ENV } from '../../../app/cli/desktop-options.ts';
import { startCli } from '../../support/run-cli.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const mainBuilt = existsSync(join(ROOT, 'out/main/index.js'));

interface Recorded {
  argv: string[];
  options: string;
  pgPassword: string;
  runAsNode: string;
}

/**
 * `hotpath start` with a fake Electron (ELECTRON_PATH: a shell script that writes down its arguments and the
 * environment it got, then exits 7): what the real main process would receive, checked where no Electron can run.
 */
describe.skipIf(process.platform === 'win32')('hotpath start → the desktop app', () => {
  let dir: string;
  let fakeElectron: string;
  let record: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotpath-start-desktop-'));
    record = join(dir, 'record.json');
    fakeElectron = join(dir, 'electron');
    // node writes the JSON, so quoting is exact: argv after the script, and the variables the app reads.
    await writeFile(
      fakeElectron,
      `#!/bin/sh\nexec "${process.execPath}" -e 'require("fs").writeFileSync(process.env.RECORD, JSON.stringify({ argv: process.argv.slice(1), options: process.env.${DESKTOP_OPTIONS_ENV}, pgPassword: process.env.PGPASSWORD ?? "", runAsNode: process.env.ELECTRON_RUN_AS_NODE ?? "" })); process.exit(7)' -- "$@"\n`,
    );
    await chmod(fakeElectron, 0o755);
    await writeFile(join(dir, 'pg-password'), 'from-a-file\n', { mode: 0o600 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!mainBuilt)(
    mainBuilt
      ? "hands serve's options to the main process in the environment, with nothing but the app folder on its command line"
      : 'hands the options over (skipped: out/main is not built; npm run build)',
    async () => {
      const cli = startCli(
        [
          'start',
          '--pg',
          'postgres://me:inline-secret@127.0.0.1:1/app',
          '--redis',
          'redis://127.0.0.1:1',
          '--workload',
          'demo',
          '--rate',
          '50',
          '--read-only',
          '--cache-l1',
          '64',
          '--memory-budget',
          '1GiB',
          '--data-dir',
          dir,
        ],
        { ELECTRON_PATH: fakeElectron, RECORD: record, DISPLAY: ':0', PGPASSWORD: 'env-secret', ELECTRON_RUN_AS_NODE: '1' },
      );
      const { code } = await cli.exited;
      expect(cli.stderr()).toContain(`Opening the Hotpath window (${fakeElectron})`);
      expect(code).toBe(7);
      const recorded = JSON.parse(await readFile(record, 'utf8')) as Recorded;
      // Only the package folder (Electron runs its package.json `main`).
      expect(recorded.argv).toHaveLength(1);
      expect(resolve(recorded.argv[0]!)).toBe(ROOT);
      expect(recorded.argv.join(' ')).not.toMatch(/secret|--pg/);
      expect(JSON.parse(recorded.options)).toEqual({
        pg: 'postgres://me:inline-secret@127.0.0.1:1/app',
        redis: 'redis://127.0.0.1:1',
        workload: 'demo',
        rate: 50,
        readOnly: true,
        cacheL1: 64,
        memoryBudget: '1GiB',
        dataDir: dir,
        chunks: 200_000,
        localRedis: true,
        cache: true,
      });
      // PGPASSWORD stays where serve would read it; ELECTRON_RUN_AS_NODE would turn Electron into Node.
      expect(recorded.pgPassword).toBe('env-secret');
      expect(recorded.runAsNode).toBe('');
    },
  );

  it.skipIf(!mainBuilt)('passes a password file as its path, for the main process to read as serve does', async () => {
    const cli = startCli(
      ['start', '--pg', 'postgres://me@127.0.0.1:1/app', '--pg-password-file', join(dir, 'pg-password'), '--data-dir', dir],
      { ELECTRON_PATH: fakeElectron, RECORD: record, DISPLAY: ':0' },
    );
    expect((await cli.exited).code).toBe(7);
    const options = JSON.parse((JSON.parse(await readFile(record, 'utf8')) as Recorded).options) as Record<string, unknown>;
    expect(options.pgPasswordFile).toBe(join(dir, 'pg-password'));
    expect(JSON.stringify(options)).not.toContain('from-a-file');
  });

  it('refuses what serve refuses, on the terminal, before any window', async () => {
    await rm(record, { force: true });
    const cli = startCli(['start', '--local', '--pg', 'postgres://me@127.0.0.1:1/app'], {
      ELECTRON_PATH: fakeElectron,
      RECORD: record,
      DISPLAY: ':0',
    });
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr()).toContain('Choose either --local or --pg, not both.');
    expect(existsSync(record)).toBe(false);
  });

  it.skipIf(!mainBuilt || process.platform !== 'linux')(
    'without a display, says so and what to do, and serves the console in the browser instead',
    async () => {
      await rm(record, { force: true });
      const cli = startCli(['start', '--port', '0', '--data-dir', dir], {
        ELECTRON_PATH: fakeElectron,
        RECORD: record,
        DISPLAY: '',
        WAYLAND_DISPLAY: '',
      });
      try {
        await expect.poll(() => cli.stdout(), { timeout: 60_000 }).toContain('Not connected yet');
        expect(cli.stderr()).toContain('The desktop window cannot open here: there is no display');
        expect(cli.stderr()).toContain('hotpath serve');
        expect(cli.stderr()).toContain('Starting the console in your browser instead.');
        expect(existsSync(record)).toBe(false);
      } finally {
        cli.child.kill('SIGINT');
        await cli.exited;
      }
    },
  );
});
