/**
 * How long `hotpath --version` and `hotpath --help` take to start and exit: the compiled CLI (dist/cli/hotpath.js,
 * what the package's `bin` runs) against the tsx shim that runs the TypeScript sources (app/cli/hotpath.mjs), with
 * `node -e 0` as the floor every Node program pays and `npx --version` as what npm adds when the CLI is started
 * through `npx`. Each run starts every variant once, in an order that alternates between runs; the table gives
 * medians of runs and each median's ratio to `node -e 0` measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';
import { median, type BenchResult } from './bench-result.ts';

export interface StartupBenchOptions {
  runs: number;
}

interface Variant {
  name: string;
  file: string;
  args: string[];
}

const COMPILED = join(PACKAGE_ROOT, 'dist/cli/hotpath.js');
const SHIM = join(PACKAGE_ROOT, 'app/cli/hotpath.mjs');
const FLOOR = 'node -e 0';

const VARIANTS: Variant[] = [
  { name: FLOOR, file: process.execPath, args: ['-e', '0'] },
  { name: 'npx --version', file: 'npx', args: ['--version'] },
  { name: 'compiled --version', file: process.execPath, args: [COMPILED, '--version'] },
  { name: 'compiled --help', file: process.execPath, args: [COMPILED, '--help'] },
  { name: 'tsx shim --version', file: process.execPath, args: [SHIM, '--version'] },
  { name: 'tsx shim --help', file: process.execPath, args: [SHIM, '--help'] },
];

/** Wall-clock milliseconds from spawn to exit; a variant that fails is an error, not a fast sample. */
function timeOnce(variant: Variant): number {
  const started = performance.now();
  const result = spawnSync(variant.file, variant.args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: PACKAGE_ROOT });
  const elapsed = performance.now() - started;
  if (result.error || result.status !== 0)
    throw new Error(`${variant.name} failed (${result.error?.message ?? `exit ${result.status}`}): ${String(result.stderr).trim()}`);
  return elapsed;
}

export function startupBench(options: StartupBenchOptions): BenchResult {
  if (!existsSync(COMPILED)) throw new Error(`${COMPILED} is not built: run \`npm run build:cli\` first.`);
  // One discarded pass: the first start of each also pays for reading its files into the page cache.
  for (const variant of VARIANTS) timeOnce(variant);
  const samples = new Map<string, number[]>(VARIANTS.map((variant) => [variant.name, []]));
  for (let run = 0; run < options.runs; run++) {
    const order = run % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const variant of order) samples.get(variant.name)!.push(timeOnce(variant));
    process.stderr.write(`  run ${run + 1}/${options.runs} done\n`);
  }
  const medians = new Map([...samples].map(([name, values]) => [name, median(values)]));
  const floor = medians.get(FLOOR)!;
  const shimOf = (name: string) => medians.get(name.replace('compiled', 'tsx shim'));
  return {
    suite: 'startup',
    title: `Start to exit of the hotpath CLI, compiled vs the tsx shim (medians of ${options.runs} runs)`,
    columns: ['variant', 'ms', `× ${FLOOR}`, 'tsx shim ÷ compiled'],
    rows: VARIANTS.map(({ name }) => {
      const ms = medians.get(name)!;
      const shim = name.startsWith('compiled') ? shimOf(name) : undefined;
      return {
        variant: name,
        ms: Math.round(ms),
        [`× ${FLOOR}`]: Math.round((ms / floor) * 10) / 10,
        'tsx shim ÷ compiled': shim === undefined ? '' : Math.round((shim / ms) * 10) / 10,
      };
    }),
    command: `npm run build:cli && npm run bench -- startup --runs ${options.runs}`,
    notes: [
      `compiled: node ${COMPILED.slice(PACKAGE_ROOT.length)} (the package's bin); tsx shim: node ${SHIM.slice(PACKAGE_ROOT.length)} (the sources).`,
      '`npx hotpath …` costs about `npx --version` plus the compiled row: npm starts first, then the bin.',
    ],
  };
}
