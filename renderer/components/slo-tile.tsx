import { useId } from 'react';
import { VERDICT_TEXT, type SloResult } from '../slo/slo-evaluation.ts';

/**
 * One target as a tile: a group named by the target ("p99 latency < 100 ms") whose
 * text gives the measured value and the verdict, so it reads the same to a screen
 * reader as on screen. The verdict is in words as well as colour.
 */
export function SloTile({ slo }: { slo: SloResult }) {
  const valueId = useId();
  return (
    <li
      className={`slo-tile slo-tile--${slo.verdict}`}
      role="group"
      aria-label={`${slo.label} ${slo.target}`}
      aria-describedby={valueId}
      data-testid={`slo-tile-${slo.id}`}
      data-verdict={slo.verdict}
    >
      <p className="slo-tile__label">
        {slo.label} <span className="slo-tile__target">{slo.target}</span>
      </p>
      <p className="slo-tile__value" id={valueId}>
        {slo.value ?? '—'}
        <span className="slo-tile__verdict" data-testid="slo-verdict">
          {' '}
          {VERDICT_TEXT[slo.verdict]}
        </span>
      </p>
    </li>
  );
}
