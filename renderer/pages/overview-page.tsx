import { useEngineStatus, useTelemetry } from '../app/console-context.ts';
import { ErrorsChart } from '../components/errors-chart.tsx';
import { FindCapacity } from '../components/find-capacity.tsx';
import { LatencyChart } from '../components/latency-chart.tsx';
import { NotConnectedState } from '../components/not-connected-state.tsx';
import { SaturationNotice } from '../components/saturation-notice.tsx';
import { SloTiles } from '../components/slo-tiles.tsx';
import { TemplateSelector } from '../components/template-selector.tsx';
import { TemplateTable } from '../components/template-table.tsx';
import { ThroughputChart } from '../components/throughput-chart.tsx';
import { WindowSelector } from '../components/window-selector.tsx';
import { WorkloadControls } from '../components/workload-controls.tsx';
import { ALL_TEMPLATES } from '../state/telemetry-series.ts';

/** Live latency, throughput and errors of the workload, with the targets and the controls. */
export function OverviewPage() {
  const phase = useEngineStatus((s) => s.status?.phase ?? null);
  const series = useTelemetry((s) => s.series);
  const template = useTelemetry((s) => s.template);
  const connected = phase === 'ready';

  return (
    <div className="page page--overview">
      <div className="page__header">
        <h1>Overview</h1>
        <div className="page__tools">
          <TemplateSelector />
          <WindowSelector />
          <FindCapacity />
        </div>
      </div>
      {!connected && phase !== null && <NotConnectedState what="The live view" />}
      <WorkloadControls />
      <SaturationNotice />
      <SloTiles />
      <div className="overview-grid">
        <div className="overview-grid__charts">
          <LatencyChart series={series} subject={template === ALL_TEMPLATES ? 'all templates' : template} />
          <ThroughputChart series={series} />
          <ErrorsChart series={series} />
        </div>
        <aside className="overview-grid__side" aria-label="Per-template figures">
          <TemplateTable />
        </aside>
      </div>
    </div>
  );
}
