import { useTelemetry } from '../app/console-context.ts';
import { TELEMETRY_WINDOWS } from '../state/telemetry-store.ts';

/** The time window of the charts, as a row of radio buttons (arrow keys move between them). */
export function WindowSelector() {
  const windowSeconds = useTelemetry((s) => s.windowSeconds);
  const setWindow = useTelemetry((s) => s.setWindow);
  return (
    <fieldset className="segmented" data-testid="window-selector">
      <legend className="segmented__legend">Time window</legend>
      {TELEMETRY_WINDOWS.map((w) => (
        <label key={w.seconds} className="segmented__option">
          <input
            type="radio"
            name="telemetry-window"
            value={w.seconds}
            checked={windowSeconds === w.seconds}
            onChange={() => setWindow(w.seconds)}
          />
          <span>{w.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
