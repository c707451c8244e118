import { useCallback, useEffect, useState } from 'react';
import type { SloReport, SloWindowSeconds } from '../../main/contract/slo.ts';
import { useServices } from '../app/console-context.ts';

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
 * the console only shows, so the tiles, /metrics and the capacity test cannot disagree.
 */
export function useSloReport(): SloReportView {
  const { api, notifications } = useServices();
  const [report, setReport] = useState<SloReport | null>(null);

  useEffect(() => {
    let mounted = true;
    const stop = api.subscribe('slo.report', (next) => setReport((current) => newer(current, next)));
    // Without an answer (an older engine, a dropped connection) the next event fills the tiles.
    api.call('slo.status', {}).then(
      (first) => {
        if (mounted) setReport((current) => newer(current, first));
      },
      () => undefined,
    );
    return () => {
      mounted = false;
      stop();
    };
  }, [api]);

  const chooseWindow = useCallback(
    (seconds: SloWindowSeconds) => {
      api.call('slo.setWindow', { windowSeconds: seconds }).then(
        (next) => setReport(next),
        (error: unknown) => notifications.getState().pushError('The SLO window was not changed', error),
      );
    },
    [api, notifications],
  );

  return { report, chooseWindow };
}
