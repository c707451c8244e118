import type { WorkloadInterval } from '../../main/contract/telemetry.ts';
import { formatCount, formatRate } from '../format/units.ts';
import { ALL_TEMPLATES } from '../state/telemetry-series.ts';

/**
 * Says plainly why the target is not met, from the same rules the engine uses to
 * flag saturation: fewer than 90% completed, a backlog of more than a second, or
 * requests shed. Null when the interval is not saturated.
 */
export function describeSaturation(interval: WorkloadInterval | null): string | null {
  if (!interval || !interval.saturated) return null;
  const reasons: string[] = [];
  const share = interval.targetRate > 0 ? Math.round((interval.achievedRate / interval.targetRate) * 100) : 0;
  if (interval.achievedRate < interval.targetRate * 0.9) {
    reasons.push(`${formatRate(interval.achievedRate)} completed of ${formatRate(interval.targetRate)} asked (${share}%)`);
  }
  if (interval.targetRate > 0 && interval.inFlight > interval.targetRate) {
    reasons.push(`${formatCount(interval.inFlight)} requests waiting for an answer (more than a second of backlog)`);
  }
  const shed = interval.templates.find((t) => t.template === ALL_TEMPLATES)?.shed ?? 0;
  if (shed > 0) reasons.push(`${formatCount(shed)} requests shed because too many were in flight`);
  if (reasons.length === 0) reasons.push(`${formatRate(interval.achievedRate)} completed of ${formatRate(interval.targetRate)} asked`);
  return `Target not met: ${reasons.join('; ')}. The database (or this machine) cannot keep up at this rate.`;
}
