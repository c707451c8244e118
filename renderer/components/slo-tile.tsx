import { useId } from 'react';
import { VERDICT_TEXT, type SloTileView } from '../slo/slo-tile-view.ts';

/**
 * One target as a tile: a group named by the target ("p99 latency < 100 ms") whose text gives the newest second's
 * value, the verdict over the window, and the worst second, so it reads the same to a screen reader as on screen.
 * The verdict is in words as well as colour; while waiting it says how much of the window is in.
 */
export function SloTile({ slo }: { slo: SloTileView }) {
  const valueId = useId();
  const detailId = useId();
  const verdict = slo.verdict === 'waiting' ? `${VERDICT_TEXT.waiting} (${slo.progress})` : VERDICT_TEXT[slo.verdict];
  return (
    <li
      className={`slo-tile slo-tile--${slo.verdict}`}
      role="group"
      aria-label={`${slo.label} ${slo.target}`}
      aria-describedby={`${valueId} ${detailId}`}
      data-testid={`slo-tile-${slo.id}`}
      data-verdict={slo.verdict}
      data-seconds-in={slo.secondsIn}
    >
      <p className="slo-tile__label">
        {slo.label} <span className="slo-tile__target">{slo.target}</span>
      </p>
      <p className="slo-tile__value" id={valueId}>
        {slo.value ?? '—'}
        <span className="slo-tile__verdict" data-testid="slo-verdict">
          {' '}
          {verdict}
        </span>
      </p>
      <p className="slo-tile__label" id={detailId} data-testid="slo-worst">
        {slo.worst ?? 'no second judged yet'}
      </p>
    </li>
  );
}
