import path from 'node:path';
import { ContractError } from '../../../main/contract/api.ts';
import {
  capacityParamsSchema,
  describeCapacityFailure,
  type CapacityParams,
  type CapacityResult,
  type CapacityWarmup,
} from '../../../main/contract/capacity.ts';
import { describeZodError } from '../../../main/contract/command-dispatcher.ts';
import { Engine } from '../../../main/engine/index.ts';
import { cacheSettings } from '../cache-options.ts';
import { connectWithPasswords, takeEnvironmentPasswords } from '../password-options.ts';
import { printProgress } from '../progress-printer.ts';
import { DEFAULT_CACHE_L1_MIB, DEFAULT_DEMO_CHUNKS } from '../stack-flag-defaults.ts';
import type { DedicatedCore } from '../../../main/util/thread-affinity.ts';
import { takeDedicatedCore } from '../dedicated-core.ts';
import type { BenchResult } from './bench-result.ts';

export interface CapacityBenchOptions {
  /** The local demo stack in `dataDir` (the one `hotpath serve --local` runs, so an Optimize done there counts). */
  local?: boolean;
  pg?: string;
  dataDir: string;
  /** `demo` or a profile file. */
  workload: string;
  poolSize?: number;
  /** Give the engine's thread a CPU of its own once the stack runs, as `serve` does (Linux; default true). */
  dedicatedCore?: boolean;
}

/** The search's steps, as `capacity.start` takes them; absent: the engine's defaults (CAPACITY_DEFAULTS). */
export type CapacityStepOptions = Partial<
  Pick<CapacityParams, 'startRate' | 'step' | 'maxRate' | 'windowSeconds' | 'settleSeconds' | 'warmupMaxSeconds'>
>;

/**
 * `hotpath bench capacity`: the console's "Find capacity" as a benchmark. Runs the engine in this process on the
 * local demo stack (as `serve --local` does: embedded PostgreSQL, Redis when installed, the cache on) or on --pg,
 * starts the workload at the first step's rate, lets the engine ramp it (capacity.start) and stops the workload
 * after. Progress goes to stderr; the steps table (or the engine's result as JSON) to stdout. An interrupt cancels
 * the search, which still reports the steps it finished; a second one exits at once.
 */
export async function capacityBench(options: CapacityBenchOptions & CapacityStepOptions): Promise<BenchResult> {
  if (Boolean(options.local) === Boolean(options.pg)) {
    throw new ContractError('bad-arguments', 'bench capacity needs one stack.', 'Add --local (the demo stack) or --pg postgres://….');
  }
  const params = {
    ...(options.startRate === undefined ? {} : { startRate: options.startRate }),
    ...(options.step === undefined ? {} : { step: options.step }),
    ...(options.maxRate === undefined ? {} : { maxRate: options.maxRate }),
    ...(options.windowSeconds === undefined ? {} : { windowSeconds: options.windowSeconds }),
    ...(options.settleSeconds === undefined ? {} : { settleSeconds: options.settleSeconds }),
    ...(options.warmupMaxSeconds === undefined ? {} : { warmupMaxSeconds: options.warmupMaxSeconds }),
    confirm: true as const,
  };
  // Checked before a stack starts: a step that cannot work is refused in a second, not after the seeding.
  const checked = capacityParamsSchema.safeParse(params);
  if (!checked.success) throw new ContractError('bad-arguments', `bench capacity: ${describeZodError(checked.error)}`);
  const environmentPasswords = takeEnvironmentPasswords();
  const engine = new Engine({
    dataDir: options.dataDir,
    cache: cacheSettings({ cache: true, cacheL1: DEFAULT_CACHE_L1_MIB }),
    ...(options.poolSize === undefined ? {} : { workloadPoolSize: options.poolSize }),
  });
  const stopPrinting = printProgress(engine);
  const signals = cancelOnSignal(engine);
  let dedicatedCore: DedicatedCore | null = null;
  try {
    if (options.local) {
      await engine.call('stack.startLocal', { dataDir: options.dataDir, redis: 'auto' });
      await engine.call('demo.seed', { chunks: DEFAULT_DEMO_CHUNKS });
    } else {
      await connectWithPasswords(engine, { pg: options.pg! }, environmentPasswords);
    }
    dedicatedCore = await takeDedicatedCore(options.dedicatedCore ?? true, (line) => process.stderr.write(`${line}\n`));
    const profile = options.workload === 'demo' ? 'demo' : path.resolve(options.workload);
    // The workload starts at the first step's rate, at which the search warms the cache before its first step.
    await engine.call('workload.start', { profile, rate: checked.data.startRate });
    // Interrupted while the stack started: there is no search to cancel, so none begins.
    if (signals.interrupted()) throw new ContractError('cancelled', 'bench capacity was interrupted before the search began.');
    const result = await engine.call('capacity.start', checked.data);
    await engine.call('workload.stop', {});
    return capacityTable(result, options);
  } finally {
    signals.stop();
    stopPrinting();
    await engine.stop();
    await dedicatedCore?.stop();
  }
}

/** The first SIGINT/SIGTERM cancels the search (the steps so far are reported); a second exits at once. */
function cancelOnSignal(engine: Engine): { interrupted(): boolean; stop(): void } {
  let cancelled = false;
  const handler = (signal: NodeJS.Signals) => {
    if (cancelled) process.exit(signal === 'SIGINT' ? 130 : 143);
    cancelled = true;
    process.stderr.write(`${signal}: cancelling the capacity search (send it again to exit at once)…\n`);
    void engine.call('capacity.cancel', {});
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    interrupted: () => cancelled,
    stop: () => {
      process.removeListener('SIGINT', handler);
      process.removeListener('SIGTERM', handler);
    },
  };
}

const ENDED: Record<CapacityResult['ended'], string> = {
  'step-failed': 'a step failed',
  'max-rate-passed': 'every step passed up to --max-rate',
  cancelled: 'cancelled',
  'workload-gone': 'the workload stopped',
  'engine-stopping': 'the engine stopped',
};

function warmupNote(warmup: CapacityWarmup, rate: number): string {
  const hitRate = warmup.hitRate === null ? '' : ` to a hit rate of ${(warmup.hitRate * 100).toFixed(1)}%`;
  const how = warmup.steady ? 'steady' : 'still rising when the warm-up ran out of time';
  return `the cache warmed for ${warmup.seconds} s at ${rate.toLocaleString('en')} req/s before the first step${hitRate} (${how})`;
}

/** One row per step; the engine's result is the JSON. */
export function capacityTable(result: CapacityResult, options: CapacityBenchOptions & CapacityStepOptions): BenchResult {
  const p = result.params;
  const highest = result.highestPassingRate;
  return {
    suite: 'capacity',
    title: `Capacity: ${highest === null ? 'no step held all eight success metrics' : `all eight held at ${highest.toLocaleString('en')} req/s`} over ${p.windowSeconds} s windows (${ENDED[result.ended]})`,
    columns: ['rate (req/s)', 'achieved (req/s)', 'verdict', 'held (s)', 'failed (worst second)'],
    rows: result.steps.map((step) => ({
      'rate (req/s)': step.rate,
      'achieved (req/s)': step.achievedRate === null ? '' : Math.round(step.achievedRate),
      verdict: step.verdict,
      'held (s)': step.secondsJudged,
      'failed (worst second)': step.failures.map(describeCapacityFailure).join('; '),
    })),
    command: [
      'hotpath bench capacity',
      options.local ? '--local' : '--pg URL',
      `--workload ${options.workload}`,
      `--start-rate ${p.startRate} --step ${p.step} --max-rate ${p.maxRate}`,
      `--window-seconds ${p.windowSeconds} --settle-seconds ${p.settleSeconds} --warmup-max-seconds ${p.warmupMaxSeconds}`,
      ...(options.poolSize === undefined ? [] : [`--pool-size ${options.poolSize}`]),
      ...(options.dedicatedCore === false ? ['--no-dedicated-core'] : []),
    ].join(' '),
    notes: [
      ...(result.warmup === null ? [] : [warmupNote(result.warmup, p.startRate)]),
      `each step: ${p.settleSeconds} s settling after the rate change, then the eight metrics judged over ${p.windowSeconds} s: six each second (it fails at the first failed second), memory and CPU on the window's mean; it passes when all eight held`,
      `throughput is judged against each step's own rate (≥ 90% of it completed each second, nothing shed); the seed's goal is > ${result.throughputGoal.toLocaleString('en')} req/s: ${result.meetsThroughputGoal ? 'met' : 'not met'}`,
      ...(result.restoredRate === null
        ? []
        : [`the workload went back to ${result.restoredRate.toLocaleString('en')} req/s after the search`]),
    ],
    json: result,
  };
}
