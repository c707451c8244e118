import { useMemo } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  type ScatterShapeProps,
} from 'recharts';
import type { PlanNamePayload, PlannerStatusPayload } from '../../main/contract/planner.ts';
import { formatMsValue } from '../format/units.ts';
import {
  choicePoints,
  latencyPoints,
  regretPoints,
  scatterPoints,
  scatterScale,
  type PlannerLatencyPoint,
  type PlannerRegretPoint,
  type PlannerScatterPoint,
} from '../state/planner-series.ts';
import { ChartFrame } from './chart-frame.tsx';
import { CHART_MARGIN, formatTooltipTime, TIME_AXIS, TOOLTIP_STYLE, VALUE_AXIS_WIDTH } from './chart-format.ts';
import { MS_SCALE, type ValueScale } from './chart-scales.ts';
import { formatQueriesTick, formatQueriesTooltip, formatSignedMsTick, formatSignedMsTooltip } from './planner-format.ts';
import { TimeSeriesCard, type TimeSeriesCardSpec } from './time-series-card.tsx';

/**
 * A colour per plan, by its place in the engine's list of plans (the same on every chart and in the table). The
 * theme has three series colours; the fourth and fifth carry their own fallbacks until the theme defines them.
 */
const PLAN_COLORS = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)'] as const;

export function planColor(plans: readonly PlanNamePayload[], plan: PlanNamePayload): string {
  const index = Math.max(0, plans.indexOf(plan));
  return PLAN_COLORS[index % PLAN_COLORS.length]!;
}

const EMPTY = 'No hybrid query yet: start a workload with hybrid templates; buckets fill every 10 s.';

/** How many queries went to each plan, per 10-second bucket, stacked: the mix and the volume at once. */
export function PlannerChoicesChart({ status, plans }: { status: PlannerStatusPayload; plans: readonly PlanNamePayload[] }) {
  const points = useMemo(() => choicePoints(status.timeline, plans), [status.timeline, plans]);
  const empty = !status.timeline.some((b) => b.queries > 0);
  return (
    <ChartFrame title="Plan choices over time, per 10 s" unit="queries" testId="planner-choices-chart" empty={empty} emptyText={EMPTY}>
      {(width, height) => (
        <AreaChart width={width} height={height} data={points} margin={CHART_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--chart-grid)" />
          <XAxis {...TIME_AXIS} stroke="var(--text-muted)" />
          <YAxis tickFormatter={formatQueriesTick} stroke="var(--text-muted)" width={VALUE_AXIS_WIDTH} allowDecimals={false} />
          <Tooltip formatter={formatQueriesTooltip} labelFormatter={formatTooltipTime} contentStyle={TOOLTIP_STYLE} />
          <Legend />
          {plans.map((plan) => (
            <Area
              key={plan}
              dataKey={plan}
              name={plan}
              stackId="choices"
              type="stepAfter"
              stroke={planColor(plans, plan)}
              fill={planColor(plans, plan)}
              fillOpacity={0.55}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      )}
    </ChartFrame>
  );
}

const LATENCY_CARD: TimeSeriesCardSpec<PlannerLatencyPoint> = {
  title: 'Latency of the chosen plans: measured and predicted, mean per 10 s',
  testId: 'planner-latency-chart',
  scale: MS_SCALE,
  lines: [
    { dataKey: 'actualMs', name: 'measured (chosen plans)', stroke: 'var(--chart-1)' },
    { dataKey: 'predictedMs', name: 'predicted by the model', stroke: 'var(--chart-2)', dashed: true },
  ],
  emptyText: EMPTY,
};

/** The chosen plans' mean latency per bucket against what the model predicted for them (no prediction in fallback). */
export function PlannerLatencyChart({ status }: { status: PlannerStatusPayload }) {
  const points = useMemo(() => latencyPoints(status.timeline), [status.timeline]);
  return <TimeSeriesCard series={points} card={LATENCY_CARD} />;
}

/** Regret can be negative (choices better than the best fixed plan): milliseconds with a sign. */
const SIGNED_MS_SCALE: ValueScale = { unit: 'ms', formatTick: formatSignedMsTick, formatTooltip: formatSignedMsTooltip };

const REGRET_CARD: TimeSeriesCardSpec<PlannerRegretPoint> = {
  title: 'Regret over time, mean per 10 s (below 0: better than the best fixed plan)',
  testId: 'planner-regret-chart',
  scale: SIGNED_MS_SCALE,
  lines: [
    { dataKey: 'vsOracleMs', name: 'vs the best plan per query (oracle)', stroke: 'var(--chart-3)' },
    { dataKey: 'vsBestFixedMs', name: 'vs the best single fixed plan', stroke: 'var(--chart-1)', dashed: true },
  ],
  emptyText: 'No oracle sample yet: now and then the engine runs every plan on the same query to measure regret.',
};

/** Regret per bucket from the oracle samples: what the choices cost against perfect ones, and against one fixed plan. */
export function PlannerRegretChart({ status }: { status: PlannerStatusPayload }) {
  const points = useMemo(() => regretPoints(status.timeline), [status.timeline]);
  return <TimeSeriesCard series={points} card={REGRET_CARD} />;
}

/** A point of the scatter: filled for the model's own pick, hollow for exploration. */
function ScatterDot(props: ScatterShapeProps) {
  const { cx, cy, fill } = props as ScatterShapeProps & { cx?: number; cy?: number; fill?: string };
  const explored = (props.payload as PlannerScatterPoint | undefined)?.explored === true;
  if (typeof cx !== 'number' || typeof cy !== 'number') return <g />;
  return (
    <circle
      cx={cx}
      cy={cy}
      r={3}
      fill={explored ? 'none' : fill}
      stroke={fill}
      strokeWidth={1.2}
      fillOpacity={0.75}
      className={explored ? 'planner-dot planner-dot--explored' : 'planner-dot'}
    />
  );
}

/** Room on the right for the x axis's last tick label, which sits at the very end. */
const SCATTER_MARGIN = { ...CHART_MARGIN, right: 32 } as const;

const msAxisTick = (value: unknown): string => (typeof value === 'number' ? `${formatMsValue(value)} ms` : String(value));
const scatterTooltip = (value: unknown): string => (typeof value === 'number' ? `${formatMsValue(value)} ms` : String(value));

/**
 * Every recent query the model predicted: predicted on x, measured on y, one colour per plan, hollow where the
 * choice was exploration. On the y = x line the prediction was exact; above it the query was slower than predicted.
 * Both axes share one scale (log when the latencies span more than a factor of 20).
 */
export function PlannerPredictionScatter({ status, plans }: { status: PlannerStatusPayload; plans: readonly PlanNamePayload[] }) {
  const points = useMemo(() => scatterPoints(status.recent), [status.recent]);
  const scale = useMemo(() => scatterScale(points), [points]);
  // Log axes have no 0: a 0 ms figure sits at the floor.
  const shown = useMemo(
    () => points.map((p) => ({ ...p, actualMs: Math.max(p.actualMs, scale.floor), predictedMs: Math.max(p.predictedMs, scale.floor) })),
    [points, scale.floor],
  );
  const explored = points.filter((p) => p.explored).length;
  const [lo, hi] = scale.domain;
  const axis = {
    type: 'number' as const,
    domain: scale.domain,
    ticks: scale.ticks,
    interval: 0 as const,
    allowDataOverflow: true,
    tickFormatter: msAxisTick,
    stroke: 'var(--text-muted)',
    ...(scale.log ? { scale: 'log' as const } : {}),
  };
  return (
    <ChartFrame
      title={
        points.length === 0
          ? 'Predicted vs measured, recent queries'
          : `Predicted vs measured, last ${points.length} predicted queries${explored > 0 ? ` (${explored} explored, hollow)` : ''}${scale.log ? ', log axes' : ''}`
      }
      unit="ms"
      testId="planner-scatter-chart"
      empty={points.length === 0}
      emptyText="No prediction yet: while it falls back to the default plan, the model predicts nothing."
    >
      {(width, height) => (
        <ScatterChart width={width} height={height} margin={SCATTER_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--chart-grid)" />
          <XAxis {...axis} dataKey="predictedMs" name="predicted" />
          <YAxis {...axis} dataKey="actualMs" name="measured" width={VALUE_AXIS_WIDTH} />
          <Tooltip formatter={scatterTooltip} contentStyle={TOOLTIP_STYLE} cursor={{ strokeDasharray: '3 3' }} />
          <Legend />
          <ReferenceLine
            segment={[
              { x: lo, y: lo },
              { x: hi, y: hi },
            ]}
            stroke="var(--chart-target)"
            strokeDasharray="4 3"
            label={{ value: 'y = x (exact)', position: 'insideTopLeft', fill: 'var(--text-muted)', fontSize: 11 }}
          />
          {plans.map((plan) => {
            const data = shown.filter((p) => p.plan === plan);
            return data.length === 0 ? null : (
              <Scatter key={plan} name={plan} data={data} fill={planColor(plans, plan)} shape={ScatterDot} isAnimationActive={false} />
            );
          })}
        </ScatterChart>
      )}
    </ChartFrame>
  );
}
