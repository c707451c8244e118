import type { MemoryActionPayload } from '../../main/contract/memory.ts';
import { formatBytes } from '../format/units.ts';
import { freedBy, LEVEL_NAMES, type MemoryPoint } from '../state/memory-series.ts';
import { MIB_SCALE, MS_SCALE, PERCENT_SCALE, type ValueScale } from './chart-scales.ts';
import { TimeSeriesCard, type TimeSeriesCardSpec } from './time-series-card.tsx';
import type { ChartMarker } from './time-series-chart.tsx';

/** The three levels on their own axis: 0, 1, 2 read as their names. */
const levelName = (value: unknown): string => (typeof value === 'number' ? (LEVEL_NAMES[Math.round(value)] ?? String(value)) : 'no data');
const LEVEL_SCALE: ValueScale = { unit: 'level', formatTick: levelName, formatTooltip: levelName };

const EMPTY = 'No memory reading yet: the memory manager reads every 2 s once the engine runs.';

const PROCESS_CARD: TimeSeriesCardSpec<MemoryPoint> = {
  title: 'Engine memory: RSS, heap and L1 against the budget',
  testId: 'memory-process-chart',
  scale: MIB_SCALE,
  lines: [
    { dataKey: 'budgetMiB', name: 'budget', stroke: 'var(--chart-target)', dashed: true },
    { dataKey: 'rssMiB', name: 'RSS', stroke: 'var(--chart-1)' },
    { dataKey: 'heapMiB', name: 'heap used', stroke: 'var(--chart-2)' },
    { dataKey: 'l1MiB', name: 'L1 cache', stroke: 'var(--chart-3)' },
  ],
  emptyText: EMPTY,
};

const MACHINE_CARD: TimeSeriesCardSpec<MemoryPoint> = {
  title: 'Machine memory in use',
  testId: 'memory-machine-chart',
  scale: PERCENT_SCALE,
  lines: [{ dataKey: 'machineUsedPercent', name: 'machine memory in use', stroke: 'var(--chart-1)' }],
  emptyText: EMPTY,
};

const PRESSURE_CARD: TimeSeriesCardSpec<MemoryPoint> = {
  title: 'Pressure level and cleanups',
  testId: 'memory-pressure-chart',
  scale: LEVEL_SCALE,
  lines: [{ dataKey: 'level', name: 'pressure level', stroke: 'var(--chart-3)', step: true }],
  emptyText: EMPTY,
  valueTicks: [0, 1, 2],
};

const LOOP_CARD: TimeSeriesCardSpec<MemoryPoint> = {
  title: 'Event-loop delay, p99',
  testId: 'memory-loop-chart',
  scale: MS_SCALE,
  lines: [{ dataKey: 'loopP99Ms', name: 'event-loop delay p99', stroke: 'var(--chart-1)' }],
  emptyText: EMPTY,
};

const CPU_CARD: TimeSeriesCardSpec<MemoryPoint> = {
  title: 'CPU: engine process and machine',
  testId: 'memory-cpu-chart',
  scale: PERCENT_SCALE,
  lines: [
    { dataKey: 'processCpu', name: 'engine process (100% = one core)', stroke: 'var(--chart-1)' },
    { dataKey: 'machineCpu', name: 'machine (all cores)', stroke: 'var(--chart-2)' },
  ],
  emptyText: EMPTY,
};

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
  return <TimeSeriesCard series={series} card={{ ...PROCESS_CARD, markers }} />;
}

/** The machine's share matters too: the level follows whichever of RSS / budget and this is higher. */
export function MemoryMachineChart({ series }: { series: readonly MemoryPoint[] }) {
  return <TimeSeriesCard series={series} card={MACHINE_CARD} />;
}

export function MemoryPressureChart({ series, markers }: MarkedChartProps) {
  return <TimeSeriesCard series={series} card={{ ...PRESSURE_CARD, markers }} />;
}

/** How late timers and I/O callbacks run: what memory pressure (long collections) costs every request. */
export function EventLoopChart({ series }: { series: readonly MemoryPoint[] }) {
  return <TimeSeriesCard series={series} card={LOOP_CARD} />;
}

/** The process is top-style (it can pass 100% with several cores); the machine is the share of all cores. */
export function CpuChart({ series }: { series: readonly MemoryPoint[] }) {
  return <TimeSeriesCard series={series} card={CPU_CARD} />;
}
