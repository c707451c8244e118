import type { MemoryActionPayload } from '../../main/contract/memory.ts';
import { formatBytes } from '../format/units.ts';
import { freedBy, LEVEL_NAMES, type MemoryPoint } from '../state/memory-series.ts';
import { formatMiBTick, formatMiBTooltip, formatMsTick, formatMsTooltip, formatPercentTick, formatPercentTooltip } from './chart-format.ts';
import { TimeSeriesChart, type ChartMarker, type SeriesLine } from './time-series-chart.tsx';

const PROCESS_LINES: readonly SeriesLine<MemoryPoint>[] = [
  { dataKey: 'budgetMiB', name: 'budget', stroke: 'var(--chart-target)', dashed: true },
  { dataKey: 'rssMiB', name: 'RSS', stroke: 'var(--chart-1)' },
  { dataKey: 'heapMiB', name: 'heap used', stroke: 'var(--chart-2)' },
  { dataKey: 'l1MiB', name: 'L1 cache', stroke: 'var(--chart-3)' },
];

const MACHINE_LINES: readonly SeriesLine<MemoryPoint>[] = [
  { dataKey: 'machineUsedPercent', name: 'machine memory in use', stroke: 'var(--chart-1)' },
];

const LEVEL_LINES: readonly SeriesLine<MemoryPoint>[] = [
  { dataKey: 'level', name: 'pressure level', stroke: 'var(--chart-3)', step: true },
];

const LOOP_LINES: readonly SeriesLine<MemoryPoint>[] = [{ dataKey: 'loopP99Ms', name: 'event-loop delay p99', stroke: 'var(--chart-1)' }];

const CPU_LINES: readonly SeriesLine<MemoryPoint>[] = [
  { dataKey: 'processCpu', name: 'engine process (100% = one core)', stroke: 'var(--chart-1)' },
  { dataKey: 'machineCpu', name: 'machine (all cores)', stroke: 'var(--chart-2)' },
];

/** The three levels on their own axis: 0, 1, 2 read as their names. */
const LEVEL_TICKS = [0, 1, 2] as const;
const levelName = (value: unknown): string => (typeof value === 'number' ? (LEVEL_NAMES[Math.round(value)] ?? String(value)) : 'no data');

const EMPTY = 'No memory reading yet: the memory manager reads every 2 s once the engine runs.';

/**
 * A chart marker per action. The label stays short (it sits on the chart): the level and the heap freed, as heap
 * is what a cleanup gives back at once (RSS often shrinks only later, when V8 returns pages); the log has both.
 */
export function actionMarkers(actions: readonly MemoryActionPayload[]): ChartMarker[] {
  return actions.map((action) => ({
    at: action.at,
    label: action.kind === 'restore' ? 'restore' : `${action.level}: freed ${formatBytes(freedBy(action).heapBytes)} heap`,
  }));
}

interface MarkedChartProps {
  series: readonly MemoryPoint[];
  markers: readonly ChartMarker[];
}

/** The engine's memory against its budget, with every cleanup marked where it happened. */
export function MemoryProcessChart({ series, markers }: MarkedChartProps) {
  return (
    <TimeSeriesChart
      series={series}
      title="Engine memory: RSS, heap and L1 against the budget"
      unit="MiB"
      testId="memory-process-chart"
      emptyText={EMPTY}
      lines={PROCESS_LINES}
      tickFormatter={formatMiBTick}
      tooltipFormatter={formatMiBTooltip}
      markers={markers}
    />
  );
}

/** The machine's share matters too: the level follows whichever of RSS / budget and this is higher. */
export function MemoryMachineChart({ series }: { series: readonly MemoryPoint[] }) {
  return (
    <TimeSeriesChart
      series={series}
      title="Machine memory in use"
      unit="%"
      testId="memory-machine-chart"
      emptyText={EMPTY}
      lines={MACHINE_LINES}
      tickFormatter={formatPercentTick}
      tooltipFormatter={formatPercentTooltip}
    />
  );
}

export function MemoryPressureChart({ series, markers }: MarkedChartProps) {
  return (
    <TimeSeriesChart
      series={series}
      title="Pressure level and cleanups"
      unit="level"
      testId="memory-pressure-chart"
      emptyText={EMPTY}
      lines={LEVEL_LINES}
      tickFormatter={levelName}
      tooltipFormatter={levelName}
      markers={markers}
      valueTicks={LEVEL_TICKS}
    />
  );
}

/** How late timers and I/O callbacks run: what memory pressure (long collections) costs every request. */
export function EventLoopChart({ series }: { series: readonly MemoryPoint[] }) {
  return (
    <TimeSeriesChart
      series={series}
      title="Event-loop delay, p99"
      unit="ms"
      testId="memory-loop-chart"
      emptyText={EMPTY}
      lines={LOOP_LINES}
      tickFormatter={formatMsTick}
      tooltipFormatter={formatMsTooltip}
    />
  );
}

/** The process is top-style (it can pass 100% with several cores); the machine is the share of all cores. */
export function CpuChart({ series }: { series: readonly MemoryPoint[] }) {
  return (
    <TimeSeriesChart
      series={series}
      title="CPU: engine process and machine"
      unit="%"
      testId="memory-cpu-chart"
      emptyText={EMPTY}
      lines={CPU_LINES}
      tickFormatter={formatPercentTick}
      tooltipFormatter={formatPercentTooltip}
    />
  );
}
