import { useTelemetry } from '../app/console-context.ts';
import { formatMsValue, formatRateValue } from '../format/units.ts';
import { ALL_TEMPLATES } from '../state/telemetry-series.ts';
import { EmptyState } from './empty-state.tsx';

/** Per-template figures of the newest second, the whole workload last. */
export function TemplateTable() {
  const interval = useTelemetry((s) => s.latestWorkload);
  if (!interval)
    return (
      <EmptyState title="No workload yet" testId="template-table-empty">
        Per-template latency appears here once a workload runs.
      </EmptyState>
    );
  const seconds = interval.durationMs > 0 ? interval.durationMs / 1000 : 1;
  const rows = [...interval.templates].sort((a, b) => Number(a.template === ALL_TEMPLATES) - Number(b.template === ALL_TEMPLATES));
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="template-table">
        <caption>Per template, last second</caption>
        <thead>
          <tr>
            <th scope="col">Template</th>
            <th scope="col" className="num">
              p50 ms
            </th>
            <th scope="col" className="num">
              p95 ms
            </th>
            <th scope="col" className="num">
              p99 ms
            </th>
            <th scope="col" className="num">
              max ms
            </th>
            <th scope="col" className="num">
              req/s
            </th>
            <th scope="col" className="num">
              errors
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => {
            const measured = t.latency.count > 0;
            const ms = (v: number) => (measured ? formatMsValue(v) : '—');
            return (
              <tr key={t.template} className={t.template === ALL_TEMPLATES ? 'data-table__total' : undefined}>
                <th scope="row" className="data-table__name" title={t.template}>
                  {t.template === ALL_TEMPLATES ? 'All templates' : t.template}
                </th>
                <td className="num">{ms(t.latency.p50)}</td>
                <td className="num">{ms(t.latency.p95)}</td>
                <td className="num">{ms(t.latency.p99)}</td>
                <td className="num">{ms(t.latency.max)}</td>
                <td className="num">{formatRateValue(t.count / seconds)}</td>
                <td className={`num${t.errors + t.shed > 0 ? ' num--bad' : ''}`} title={t.lastError ?? undefined}>
                  {t.errors + t.shed}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
