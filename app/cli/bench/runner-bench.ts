import { WorkloadRunner, NOOP_TARGET } from '../../../main/workload/index.ts';
import { newLatencyHistogram, recordMicros } from '../../../main/util/latency-histogram.ts';
import { seededRandom } from '../../../main/util/random.ts';
import { median, type BenchResult } from './bench-result.ts';

const TEMPLATES = ['a', 'b', 'c', 'd', 'e'].map((name, index) => ({ name, nextParams: () => [index] }));

/** The peer: the least work any recorder must do per request (call, await, time, record). */
async function bareLoop(seconds: number): Promise<number> {
  const histogram = newLatencyHistogram();
  const end = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i += 1) {
      const start = performance.now();
      await NOOP_TARGET.execute(i % 5, TEMPLATES[i % 5]!.nextParams());
      recordMicros(histogram, (performance.now() - start) * 1000);
    }
    count += 1000;
  }
  return count / seconds;
}

interface RunnerMeasurement {
  achieved: number;
  lagP99Ms: number;
}

async function openLoop(rate: number, seconds: number): Promise<RunnerMeasurement> {
  let picked = 0;
  const lags: number[] = [];
  const runner = new WorkloadRunner({
    templates: TEMPLATES,
    pickTemplate: () => picked++ % 5,
    target: NOOP_TARGET,
    rate,
    random: seededRandom(1),
    maxInFlight: 1_000_000,
    intervalMs: 1000,
    onInterval: (interval) => lags.push(interval.schedulerLagMs),
  });
  const started = performance.now();
  runner.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await runner.stop();
  const elapsed = (performance.now() - started) / 1000;
  const total = runner.cumulative().get('all')!.count;
  lags.sort((a, b) => a - b);
  return { achieved: total / elapsed, lagP99Ms: lags[Math.floor(lags.length * 0.99)] ?? 0 };
}

/**
 * How many requests per second the open-loop runner can schedule and record against a
 * target that does nothing, next to a bare call-and-record loop measured in the same run.
 */
export async function runnerBench(options: { seconds: number; runs: number }): Promise<BenchResult> {
  const bare: number[] = [];
  const saturated: RunnerMeasurement[] = [];
  const paced: RunnerMeasurement[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    bare.push(await bareLoop(options.seconds));
    saturated.push(await openLoop(2_000_000, options.seconds));
    paced.push(await openLoop(20_000, options.seconds));
  }
  const bareRate = median(bare);
  const row = (variant: string, target: string, measured: RunnerMeasurement[], compare: boolean) => {
    const achieved = median(measured.map((m) => m.achieved));
    return {
      variant,
      'target (req/s)': target,
      'achieved (req/s)': Math.round(achieved),
      // Only the saturated run measures capacity; a paced run achieves its target by design.
      'vs bare loop': compare ? `${(achieved / bareRate).toFixed(2)}x` : '-',
      'scheduler lag p99 (ms)': median(measured.map((m) => m.lagP99Ms)).toFixed(2),
    };
  };
  return {
    suite: 'runner',
    title: 'Workload runner overhead (no-op target)',
    columns: ['variant', 'target (req/s)', 'achieved (req/s)', 'vs bare loop', 'scheduler lag p99 (ms)'],
    rows: [
      {
        variant: 'bare loop: call + time + record (peer)',
        'target (req/s)': 'as fast as possible',
        'achieved (req/s)': Math.round(bareRate),
        'vs bare loop': '1.00x',
        'scheduler lag p99 (ms)': '-',
      },
      row('open-loop runner, saturated', '2,000,000', saturated, true),
      row('open-loop runner, paced', '20,000', paced, false),
    ],
    command: `npm run bench -- runner --seconds ${options.seconds} --runs ${options.runs}`,
    notes: [
      `median of ${options.runs} runs of ${options.seconds} s each; the runner also picks templates, generates parameters and keeps per-template histograms`,
    ],
  };
}
