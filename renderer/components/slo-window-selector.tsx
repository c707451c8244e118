import type { SloWindowSeconds } from '../../main/contract/slo.ts';
import { formatWindow } from '../slo/slo-tile-view.ts';

/** The windows the engine judges over (the contract's SLO_WINDOWS; the renderer takes only its types). */
const WINDOWS: readonly SloWindowSeconds[] = [60, 300, 900];

/**
 * The window the targets are judged over, as radio buttons like the charts' window: the engine keeps the choice, so
 * every console (and the window's label in /metrics, which has all three) agree on what "sustained" means.
 */
export function SloWindowSelector({
  selected,
  onChoose,
}: {
  selected: SloWindowSeconds | null;
  onChoose(seconds: SloWindowSeconds): void;
}) {
  return (
    <fieldset className="segmented" data-testid="slo-window-selector">
      <legend className="segmented__legend">Sustained over</legend>
      {WINDOWS.map((seconds) => (
        <label key={seconds} className="segmented__option">
          <input type="radio" name="slo-window" value={seconds} checked={selected === seconds} onChange={() => onChoose(seconds)} />
          <span>{formatWindow(seconds)}</span>
        </label>
      ))}
    </fieldset>
  );
}
