import { useMemo } from 'react';
import { useEngineStatus, usePageState, usePageStore, useTelemetry } from '../app/console-context.ts';
import { MEMORY_STORE } from '../state/memory-store.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { EngineErrorText } from '../components/engine-error-text.tsx';
import { MemoryActions } from '../components/memory-actions.tsx';
import {
  actionMarkers,
  CpuChart,
  EventLoopChart,
  MemoryMachineChart,
  MemoryPressureChart,
  MemoryProcessChart,
} from '../components/memory-charts.tsx';
import { MemoryLog } from '../components/memory-log.tsx';
import { MemoryNow } from '../components/memory-now.tsx';
import { WindowSelector } from '../components/window-selector.tsx';
import { usePolling } from '../hooks/use-polling.ts';

/**
 * The engine's memory and CPU: process and machine memory, heap and the L1 against the budget, the pressure
 * level over time with every cleanup marked, event-loop delay and CPU; cleanups now, the budget and the
 * automatic cleanups' switch; the log of what each cleanup freed. The memory manager watches the engine
 * process whether or not a stack is connected, so unlike Pool or Cache this page does not wait for one.
 */
export function MemoryPage() {
  const memory = usePageStore(MEMORY_STORE);
  const known = useEngineStatus((s) => s.status !== null);
  const status = usePageState(MEMORY_STORE, (s) => s.status);
  const statusError = usePageState(MEMORY_STORE, (s) => s.statusError);
  const series = useTelemetry((s) => s.memorySeries);
  const actions = useTelemetry((s) => s.memoryActions);
  const latest = useTelemetry((s) => s.latestMemory);
  const markers = useMemo(() => actionMarkers(actions), [actions]);

  usePolling(memory, known);

  return (
    <div className="page page--memory">
      <div className="page__header">
        <h1>Memory</h1>
        <div className="page__tools">
          <WindowSelector />
        </div>
      </div>
      <section className="card" aria-labelledby="memory-now-heading">
        <h2 id="memory-now-heading" className="section-title">
          Now{' '}
          <span className="section-title__note">
            levels: moderate from 85% usage, aggressive from 90%; usage is the higher of RSS / budget and the machine’s share
          </span>
        </h2>
        <MemoryNow memory={latest} status={status} />
      </section>
      <div className="overview-grid__charts">
        <MemoryProcessChart series={series} markers={markers} />
        <MemoryPressureChart series={series} markers={markers} />
        <MemoryMachineChart series={series} />
        <EventLoopChart series={series} />
        <CpuChart series={series} />
      </div>
      <section className="card" aria-labelledby="memory-actions-heading">
        <h2 id="memory-actions-heading" className="section-title">
          Actions <span className="section-title__note">your cleanups run even while automatic ones are paused</span>
        </h2>
        {/* A failed poll keeps the last status (and what the operator typed) on screen, with the error above it. */}
        {statusError && <EngineErrorText error={statusError} />}
        {status ? <MemoryActions status={status} /> : !statusError && <EmptyState title="Loading the memory manager…" />}
      </section>
      <section className="card" aria-labelledby="memory-log-heading">
        <h2 id="memory-log-heading" className="section-title">
          Cleanup log <span className="section-title__note">newest first; freed RSS is often ~0 at once, as V8 returns pages later</span>
        </h2>
        {status ? <MemoryLog actions={status.actions} /> : !statusError && <EmptyState title="Loading…" />}
      </section>
    </div>
  );
}
