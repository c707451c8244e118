import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useTelemetry } from '../app/console-context.ts';
import { ALL_TEMPLATES } from '../state/telemetry-series.ts';

/** Chooses between the whole workload and one query template for the charts. */
export function TemplateSelector() {
  const id = useId();
  const template = useTelemetry((s) => s.template);
  const templates = useTelemetry(useShallow((s) => s.templates));
  const setTemplate = useTelemetry((s) => s.setTemplate);
  return (
    <div className="inline-field">
      <label htmlFor={id}>Query template</label>
      <select id={id} value={template} onChange={(event) => setTemplate(event.target.value)} disabled={templates.length === 0}>
        <option value={ALL_TEMPLATES}>All templates</option>
        {templates.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}
