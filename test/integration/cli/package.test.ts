import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { WsEngineClient } from '../../../renderer/transport/ws-engine-client.ts';
import { histogramSeries, parseExposition } from '../../support/prometheus-text.ts';
import { waitFor } from '../../support/wait-for.ts';
import { isProcessAlive } from '../../../main/util/process-probe.ts';

/**
 * The package as users get it: `npm pack`, installed into an empty folder, run through its `bin` with the
 * TypeScript sources and tsx out of reach. The tarball's dependencies come from the npm cache `npm ci` filled
 * (--prefer-offline), else from the registry.
 */

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
const NPM_ENV = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', npm_config_audit: 'false', npm_config_fund: 'false' };

const { version } = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string };

describe('the npm package', () => {
  let work: string;
  let installed: string;
  let dataDir: string;

  beforeAll(async () => {
    // prepare (npm ci) built the console; the CLI is built here so the tarball holds the sources as they are now.
    if (!existsSync(join(REPO, 'out/renderer/index.html'))) throw new Error('out/renderer is not built: run `npm run build` first.');
    work = await mkdtemp(join(tmpdir(), 'hotpath-package-'));
    // Run as root, PostgreSQL runs as "postgres" and executes its binaries from the install: it must reach them.
    await chmod(work, 0o755);
    installed = join(work, 'app');
    // A folder of its own: PostgreSQL runs as "postgres" when the tests run as root, and must reach it.
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-package-data-'));
    await run('npm', ['run', 'build:cli'], { cwd: REPO, env: NPM_ENV });
    // --ignore-scripts: prepare would rebuild out/renderer, which other test files may be serving meanwhile.
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: REPO, env: NPM_ENV });
    const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack left no tarball in ${work}`);
    await mkdir(installed);
    await writeFile(join(installed, 'package.json'), JSON.stringify({ name: 'hotpath-package-test', private: true }));
    await run('npm', ['install', '--prefer-offline', join(work, tarball)], { cwd: installed, env: NPM_ENV, timeout: 240_000 });
    // Whatever the compiled CLI needs at run time must not be tsx: without it, the test proves that.
    await rm(join(installed, 'node_modules/tsx'), { recursive: true, force: true });
  }, 300_000);

  afterAll(async () => {
    for (const folder of [work, dataDir]) if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('ships the compiled CLI, the built console and the demo profile, and no TypeScript', async () => {
    const root = join(installed, 'node_modules/hotpath');
    const shipped = await readdir(root, { recursive: true });
    expect(shipped).toContain(join('dist', 'cli', 'hotpath.js'));
    expect(shipped).toContain(join('dist', 'cli', 'planner-thread-worker.js'));
    expect(shipped).toContain(join('dist', 'cli', 'model-trainer-worker.js'));
    expect(shipped).toContain(join('out', 'renderer', 'index.html'));
    expect(shipped).toContain(join('assets', 'workloads', 'demo.yaml'));
    expect(shipped.filter((file) => file.endsWith('.ts'))).toEqual([]);
  });

  it('npx hotpath --version prints the package version, and -V too', async () => {
    const { stdout } = await run('npx', ['--no', '--', 'hotpath', '--version'], { cwd: installed, env: NPM_ENV });
    expect(stdout.trim()).toBe(version);
    const short = await run('npx', ['--no', '--', 'hotpath', '-V'], { cwd: installed, env: NPM_ENV });
    expect(short.stdout.trim()).toBe(version);
  });

  it('npx hotpath --help lists the commands', async () => {
    const { stdout } = await run('npx', ['--no', '--', 'hotpath', '--help'], { cwd: installed, env: NPM_ENV });
    for (const command of ['serve', 'start', 'optimize', 'bench']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('serve --local becomes ready, serves the console, runs the demo (the planner thread and its trainer), and stops on SIGINT', async () => {
    // The installed bin itself (what npx runs, through its shebang), so that SIGINT reaches Hotpath and not npm.
    const bin = join(installed, 'node_modules/.bin/hotpath');
    const args = ['serve', '--local', '--no-local-redis', '--data-dir', dataDir, '--port', '0', '--chunks', '1000'];
    const child = spawn(bin, [...args, '--workload', 'demo', '--rate', '200'], { cwd: installed, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const url = await waitFor('the listening line', () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 30_000);
      await Promise.race([
        waitFor('ready', () => (out.includes('Hotpath is ready') ? true : undefined), 90_000),
        exited.then((exit) => Promise.reject(new Error(`hotpath exited before it was ready: ${JSON.stringify(exit)}`))),
      ]);
      expect(out).not.toContain('The console UI is not built');
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<!doctype html>/i);

      // The hybrid templates run on the planner thread: latency for them means the worker started from dist/cli.
      await waitFor(
        'latency of the hybrid templates',
        async () => {
          const text = await (await fetch(`${url}/metrics`)).text();
          const series = histogramSeries(parseExposition(text), 'hotpath_request_duration_seconds', 'template');
          const hybrid = ['similar_chunks', 'hybrid_retrieval'].map((name) => series.get(name)?.count ?? 0);
          return hybrid.every((count) => count > 0) ? true : undefined;
        },
        60_000,
      );

      // The selector trains its model on a worker of its own once it has observations: trainings mean that one started too.
      const client = await WsEngineClient.connect(new WebSocket(/Contract WebSocket: (\S+)/.exec(out)![1]!));
      try {
        await waitFor(
          'a trained plan model',
          async () => ((await client.call('planner.status', {})).model.trainings > 0 ? true : undefined),
          90_000,
        );
      } finally {
        client.close();
      }

      const postmaster = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      expect(await isProcessAlive(postmaster)).toBe(true);
      child.kill('SIGINT');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(err).toContain('Stopped; every process it started has exited.');
      expect(await isProcessAlive(postmaster)).toBe(false);
    } catch (error) {
      (error as Error).message += `\n--- hotpath stdout ---\n${out}\n--- hotpath stderr ---\n${err}`;
      throw error;
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    }
  }, 240_000);
});
