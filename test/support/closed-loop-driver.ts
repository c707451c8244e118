import { newLatencyHistogram, recordMicros, summarize } from '../../main/util/latency-histogram.ts';
import type { WorkloadTarget } from '../../main/workload/workload-target.ts';
import type { LatencySummary } from '../../main/contract/telemetry.ts';

/**
 * The way many load tools measure, kept here only to show what it hides: `workers`
 * callers each send the next request when the previous one returns, and time each
 * request from its actual send. During a stall they simply stop sending.
 */
export async function runClosedLoop(
  target: WorkloadTarget,
  params: () => unknown[],
  workers: number,
  durationMs: number,
): Promise<LatencySummary> {
  const histogram = newLatencyHistogram();
  const end = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) {
        const sent = performance.now();
        await target.execute(0, params());
        recordMicros(histogram, (performance.now() - sent) * 1000);
      }
    }),
  );
  return summarize(histogram);
}
