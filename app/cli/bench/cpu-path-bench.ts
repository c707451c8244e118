import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { ContractError } from '../../../main/contract/api.ts';
import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { Engine } from '../../../main/engine/index.ts';
import { maskConnectionString } from '../../../main/stack/index.ts';
import { cacheSettings } from '../cache-options.ts';
import { connectWithPasswords, takeEnvironmentPasswords } from '../password-options.ts';
import { printProgress } from '../progress-printer.ts';
import { DEFAULT_CACHE_L1_MIB, DEFAULT_DEMO_CHUNKS } from '../stack-flag-defaults.ts';
import { median, type BenchResult } from './bench-result.ts';
import { cpuByPart, PATH_PARTS, type CpuProfile } from './cpu-profile-parts.ts';

export interface CpuPathBenchOptions {
  /** The local demo stack in `dataDir` (as `serve --local` runs it, so an Optimize done there counts), or --pg. */
  local?: boolean;
  pg?: string;
  dataDir: string;
  rate: number;
  /** Seconds of each measured window. */
  seconds: number;
  runs: number;
  /** Where to write each window's profile (`cpu-path-N.cpuprofile`, for Chrome DevTools or speedscope), if given. */
  profileDir?: string;
  /** Seconds of workload before the first window (default WARMUP_SECONDS). */
  settleSeconds?: number;
}

/**
 * Workload before the first window: the pool settles its size and the L1 takes the hottest keys. The cache keeps
 * warming for minutes after (the demo's hit rate at 10,000 req/s reaches 93% after about four): measure the steady
 * state with --settle-seconds 240.
 */
const WARMUP_SECONDS = 20;

/** The profiler's sampling interval: a millisecond, V8's default, costs the thread well under 1%. */
const SAMPLING_US = 1000;

interface Window {
  requestsPerSecond: number;
  /** µs of the engine's thread per second, by part. */
  usPerSecond: Map<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Linux's USER_HZ: /proc reports CPU times in ticks of 1/100 s on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) of this process's main thread, the engine's, in µs; null where /proc is not there. The
 * profiler's sample gaps are wall time: on a busy machine a thread waiting for a core is charged to wherever it
 * stopped, so the parts are scaled to the CPU the thread really used.
 */
function mainThreadCpuUs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are the stat file's 14th and 15th fields; the 3rd (state) is the first after the name.
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * `hotpath bench cpu-path`: the engine's CPU per request by part of the request's path. Runs the engine in this
 * process on the local demo stack (or --pg) with the demo workload at --rate, and after WARMUP_SECONDS profiles its thread
 * with V8's sampling profiler for --runs windows of --seconds; each part's µs per second over the completed requests
 * per second of the same window, the median of the windows. The planner's thread is not in it (see
 * tools/cpu-per-request.sh for every thread's total).
 */
export async function cpuPathBench(options: CpuPathBenchOptions): Promise<BenchResult> {
  if (Boolean(options.local) === Boolean(options.pg)) {
    throw new ContractError('bad-arguments', 'bench cpu-path needs one stack.', 'Add --local (the demo stack) or --pg postgres://….');
  }
  const environmentPasswords = takeEnvironmentPasswords();
  const engine = new Engine({ dataDir: options.dataDir, cache: cacheSettings({ cache: true, cacheL1: DEFAULT_CACHE_L1_MIB }) });
  const stopPrinting = printProgress(engine);
  const snapshots: TelemetrySnapshot[] = [];
  const unsubscribe = engine.subscribe('telemetry.snapshot', (snapshot) => void snapshots.push(snapshot));
  const session = new Session();
  session.connect();
  const windows: Window[] = [];
  try {
    if (options.local) {
      await engine.call('stack.startLocal', { dataDir: options.dataDir, redis: 'auto' });
      await engine.call('demo.seed', { chunks: DEFAULT_DEMO_CHUNKS });
    } else {
      await connectWithPasswords(engine, { pg: options.pg! }, environmentPasswords);
    }
    await engine.call('workload.start', { profile: 'demo', rate: options.rate });
    const warmupSeconds = options.settleSeconds ?? WARMUP_SECONDS;
    process.stderr.write(`Warming up for ${warmupSeconds} s at ${options.rate} req/s…\n`);
    await sleep(warmupSeconds * 1000);
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_US });
    for (let run = 1; run <= options.runs; run++) {
      process.stderr.write(`Profiling window ${run} of ${options.runs} (${options.seconds} s)…\n`);
      const from = Date.now();
      const cpuBefore = mainThreadCpuUs();
      await session.post('Profiler.start');
      await sleep(options.seconds * 1000);
      const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
      if (options.profileDir !== undefined) saveProfile(options.profileDir, run, profile);
      const cpuAfter = mainThreadCpuUs();
      const cpuUs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
      windows.push(measuredWindow(profile, cpuUs, snapshots, from, Date.now()));
    }
    await engine.call('workload.stop', {});
  } finally {
    session.disconnect();
    unsubscribe();
    stopPrinting();
    await engine.stop();
  }
  return cpuPathTable(windows, options);
}

function saveProfile(dir: string, run: number, profile: CpuProfile): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `cpu-path-${run}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  process.stderr.write(`Profile of window ${run} written to ${file} (open it in Chrome DevTools' Performance panel or speedscope).\n`);
}

function measuredWindow(
  profile: CpuProfile,
  cpuUs: number | null,
  snapshots: readonly TelemetrySnapshot[],
  from: number,
  to: number,
): Window {
  // Whole seconds inside the window: their completions over their duration.
  let requests = 0;
  let ms = 0;
  for (const s of snapshots) {
    const w = s.workload;
    if (!w || w.at - w.durationMs < from || w.at > to) continue;
    const all = w.templates.find((t) => t.template === 'all');
    requests += (all?.count ?? 0) + (all?.errors ?? 0);
    ms += w.durationMs;
  }
  if (ms === 0 || requests === 0) throw new Error('bench cpu-path: no completed request was counted in a measured window.');
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const parts = cpuByPart(profile);
  const sampled = [...parts.values()].reduce((a, b) => a + b, 0);
  const scale = cpuUs === null || sampled === 0 ? 1 : cpuUs / sampled;
  const usPerSecond = new Map([...parts].map(([part, us]) => [part, (us * scale) / seconds]));
  return { requestsPerSecond: (requests * 1000) / ms, usPerSecond };
}

export function cpuPathTable(windows: readonly Window[], options: CpuPathBenchOptions): BenchResult {
  const parts = [...PATH_PARTS.map((p) => p.part)];
  for (const w of windows) for (const part of w.usPerSecond.keys()) if (!parts.includes(part)) parts.push(part);
  const perRequest = (w: Window, part: string) => (w.usPerSecond.get(part) ?? 0) / w.requestsPerSecond;
  const rows = parts.map((part) => ({ part, us: median(windows.map((w) => perRequest(w, part))) })).filter((r) => r.us > 0);
  const total = median(windows.map((w) => [...w.usPerSecond.values()].reduce((a, b) => a + b, 0) / w.requestsPerSecond));
  const achieved = median(windows.map((w) => w.requestsPerSecond));
  const stack = options.local ? '--local' : `--pg ${maskConnectionString(options.pg!)}`;
  return {
    suite: 'cpu-path',
    title: `Engine thread CPU per request by part of the path: ${total.toFixed(1)} µs at ${Math.round(achieved).toLocaleString('en')} req/s completed (target ${options.rate.toLocaleString('en')})`,
    columns: ['part', 'µs per request', 'share %'],
    rows: [
      ...rows.map((r) => ({
        part: r.part,
        'µs per request': Number(r.us.toFixed(2)),
        'share %': Number(((100 * r.us) / total).toFixed(1)),
      })),
      { part: 'total (engine thread)', 'µs per request': Number(total.toFixed(1)), 'share %': 100 },
    ],
    command: `npm run bench -- cpu-path ${stack} --rate ${options.rate} --seconds ${options.seconds} --runs ${options.runs}${options.settleSeconds === undefined ? '' : ` --settle-seconds ${options.settleSeconds}`}`,
    notes: [
      "the parts are scaled so that they add up to the engine thread's CPU time in /proc (the profiler's samples are wall time)",
      `medians of ${options.runs} windows of ${options.seconds} s after ${options.settleSeconds ?? WARMUP_SECONDS} s of warm-up; V8's sampling profiler every ${SAMPLING_US} µs on the engine's thread`,
      'each sample is charged to the innermost frame that is Hotpath or a library (Node internals such as a socket write go to their caller); the per-row medians need not add up to the total',
      "the planner's worker threads are not included; tools/cpu-per-request.sh gives each thread's total",
    ],
    json: { rate: options.rate, achieved, totalUsPerRequest: total, usPerRequest: Object.fromEntries(rows.map((r) => [r.part, r.us])) },
  };
}
