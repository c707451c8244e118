import { useCallback, useEffect, useRef, useState } from 'react';
import type { SloReport, SloWindowSeconds } from '../../main/contract/slo.ts';
import { useServices, useTelemetry } from '../app/console-context.ts';

/** The newer of two reports; on a tie the one that arrived last (a window change keeps the tick's time). */
const newer = (current: SloReport | null, next: SloReport): SloReport =>
  current !== null && (current.at ?? 0) > (next.at ?? 0) ? current : next;

export interface SloReportView {
  /** The engine's latest report over the chosen window; null until the first one arrives. */
  report: SloReport | null;
  /** Asks the engine to judge over another window (for every console); the new report comes back at once. */
  chooseWindow(seconds: SloWindowSeconds): void;
}

/**
 * The engine's sustained verdicts: `slo.status` once, then the `slo.report` event every second. The engine judges;
 * the console only shows, so the tiles, /metrics and the capacity test cannot disagree. Like the charts, a hidden
 * window keeps the newest report without re-rendering, and shows it when it is visible again.
 */
export function useSloReport(): SloReportView {
  const { api, notifications, telemetry } = useServices();
  const paused = useTelemetry((s) => s.paused);
  const latest = useRef<SloReport | null>(null);
  const [report, setReport] = useState<SloReport | null>(null);

  useEffect(() => {
    let mounted = true;
    const take = (next: SloReport) => {
      latest.current = newer(latest.current, next);
      if (mounted && !telemetry.getState().paused) setReport(latest.current);
    };
    const stop = api.subscribe('slo.report', take);
    // Without an answer (an older engine, a dropped connection) the next event fills the tiles.
    api.call('slo.status', {}).then(take, () => undefined);
    return () => {
      mounted = false;
      stop();
    };
  }, [api, telemetry]);

  useEffect(() => {
    if (!paused) setReport(latest.current);
  }, [paused]);

  const chooseWindow = useCallback(
    (seconds: SloWindowSeconds) => {
      api.call('slo.setWindow', { windowSeconds: seconds }).then(
        (next) => {
          latest.current = next;
          setReport(next);
        },
        (error: unknown) => notifications.getState().pushError('The SLO window was not changed', error),
      );
    },
    [api, notifications],
  );

  return { report, chooseWindow };
}
