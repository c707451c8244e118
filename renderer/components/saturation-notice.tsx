import { useTelemetry } from '../app/console-context.ts';
import { describeSaturation } from '../slo/saturation.ts';

/** "Target not met: …" in plain words while the workload is saturated. */
export function SaturationNotice() {
  const text = useTelemetry((s) => describeSaturation(s.latestWorkload));
  const warmingUp = useTelemetry((s) => s.latestWorkload?.warmup ?? false);
  if (text)
    return (
      <p className="notice notice--warning" role="status" data-testid="saturation">
        {text}
      </p>
    );
  if (warmingUp)
    return (
      <p className="notice" role="status" data-testid="saturation">
        Warming up: the first seconds are left out of the targets.
      </p>
    );
  return null;
}
