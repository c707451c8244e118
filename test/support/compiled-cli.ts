import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { isProcessAlive } from '../../main/util/process-probe.ts';
import './provided.ts';

/**
 * Builds the `hotpath` CLI once per test run, from the sources as they are, for the tests that start it
 * (test/support/run-cli.ts). Through the tsx shim (app/cli/hotpath.mjs) every start compiles the TypeScript it
 * loads, and its worker threads do the same again; compiled, a start only loads JavaScript
 * (`npm run bench -- startup`). The build is the package's own (tools/cli.vite.config.ts), so the tests run
 * what `npm pack` ships, less the source maps.
 *
 * Where: two folders below the package root, as dist/cli/ is, because the build finds package.json, assets/ and
 * out/renderer/ relative to its own `import.meta.url` and its dependencies in node_modules/ above it; a folder in
 * /tmp would find none of them. Not dist/cli/ itself, which may be stale or the user's: a folder of this run's own
 * in node_modules/ (which git, ESLint and Prettier ignore, and where vite keeps its own cache), so two runs in
 * one checkout never share one. Node ends a package scope at node_modules/, so the folder gets the package.json
 * that says its .js files are ES modules, as the package's own says for dist/cli/ (without one, Node guesses each
 * file's module type from its syntax). The folder's name carries the pid of the vitest process that built it: a
 * run killed before its teardown leaves its folder behind, and the next run removes it once that process is gone.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE_MODULES = join(ROOT, 'node_modules');
const FOLDER_PREFIX = '.hotpath-test-cli-';
const VITE_BIN = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');

/** Removes the builds of runs whose vitest process has ended without its teardown. */
async function removeAbandonedBuilds(): Promise<void> {
  for (const name of await readdir(NODE_MODULES)) {
    if (!name.startsWith(FOLDER_PREFIX)) continue;
    const pid = Number(name.slice(FOLDER_PREFIX.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !(await isProcessAlive(pid)))
      await rm(join(NODE_MODULES, name), { recursive: true, force: true });
  }
}

/** Builds the CLI, hands its path to the tests as `hotpathBin`, and returns what removes it. */
export async function buildCompiledCli(project: TestProject): Promise<() => Promise<void>> {
  await removeAbandonedBuilds();
  const outDir = await mkdtemp(join(NODE_MODULES, `${FOLDER_PREFIX}${process.pid}-`));
  const remove = () => rm(outDir, { recursive: true, force: true });
  try {
    // In a process of its own, as `npm run build:cli` runs it: the build resolves its config and environment as a
    // developer's build does (vitest's process has NODE_ENV=test), and leaves nothing behind in vitest's process.
    await promisify(execFile)(
      process.execPath,
      [VITE_BIN, 'build', '--config', 'tools/cli.vite.config.ts', '--outDir', outDir, '--sourcemap', 'false', '--logLevel', 'error'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    await writeFile(join(outDir, 'package.json'), '{ "type": "module" }\n');
  } catch (error) {
    await remove();
    throw new Error(`Building the CLI for the tests failed: ${(error as Error).message}`, { cause: error });
  }
  project.provide('hotpathBin', join(outDir, 'hotpath.js'));
  return remove;
}
