import { useId, type ReactNode } from 'react';
import type { PlannerStatusPayload } from '../../main/contract/planner.ts';
import { formatClock, formatCount, formatDuration, formatMs, formatShare } from '../format/units.ts';
import { modelState, regretShare, type ModelState } from '../state/planner-series.ts';
import { formatAgo, formatSignedMs, formatSignedShare, formatUs } from './planner-format.ts';
import { useNow } from '../hooks/use-now.ts';

const MODEL_WORDS: Record<ModelState, string> = { training: 'training…', fallback: 'fallback', learning: 'learning', trained: 'trained' };

interface TileProps {
  id: string;
  label: string;
  value: ReactNode;
  detail: ReactNode;
}

/** One figure as a tile, in the SLO tiles' look: a group named by its label, the value, a line on where it comes from. */
function Tile({ id, label, value, detail }: TileProps) {
  const valueId = useId();
  return (
    <li className="slo-tile" role="group" aria-label={label} aria-describedby={valueId} data-testid={`planner-tile-${id}`}>
      <p className="slo-tile__label">{label}</p>
      <p className="slo-tile__value" id={valueId}>
        {value}
      </p>
      <p className="slo-tile__label">{detail}</p>
    </li>
  );
}

/** "0.8 ms (6.2%)": the regret and its share of what it is measured against. */
function regretValue(regretMs: number | null, baseMs: number | null): string {
  if (regretMs === null) return '—';
  const share = regretShare(regretMs, baseMs);
  return share === null ? formatSignedMs(regretMs) : `${formatSignedMs(regretMs)} (${formatSignedShare(share)})`;
}

/** "Trained … ago" counts in seconds. */
const AGO_TICK_MS = 1000;

/**
 * The selector in six figures: how many queries it placed, where the model stands, what choosing costs per query,
 * its regret against the best plan per query and against the best single fixed plan, and which plan that is.
 */
export function PlannerTiles({ status }: { status: PlannerStatusPayload }) {
  // Here rather than in the page, so that the clock re-renders the tiles and not the charts.
  const now = useNow(AGO_TICK_MS);
  const { model, regret, planCache, overheadUs } = status;
  const state = modelState(model);
  const lookups = planCache.hits + planCache.misses;
  const samples = `${formatCount(regret.oracleSamples)} oracle sample${regret.oracleSamples === 1 ? '' : 's'}`;
  const noSamples = 'no oracle sample yet';
  const vsFixed = regret.meanRegretVsBestFixedMs;
  return (
    <ul className="slo-tiles__list" data-testid="planner-tiles">
      <Tile
        id="queries"
        label="Hybrid queries"
        value={formatCount(status.queries)}
        detail={`plan cache ${formatCount(planCache.entries)} of ${formatCount(planCache.capacity)} entries${lookups > 0 ? `, ${formatShare(planCache.hits / lookups)} hits` : ''}`}
      />
      <Tile
        id="model"
        label="Model"
        value={MODEL_WORDS[state]}
        detail={
          <>
            {formatCount(model.observations)} observation{model.observations === 1 ? '' : 's'}
            {state === 'fallback' && '; runs the default plan until it has enough'}
            {model.trainedAt !== null &&
              `; trained ${formatCount(model.trainings)}×, last at ${formatClock(model.trainedAt)} (${formatAgo(model.trainedAt, now)})${model.lastTrainMs === null ? '' : ` in ${formatDuration(model.lastTrainMs)}`}`}
          </>
        }
      />
      <Tile
        id="overhead"
        label="Selector overhead per query"
        value={overheadUs ? `${formatUs(overheadUs.mean)} mean` : '—'}
        detail={overheadUs ? `p95 ${formatUs(overheadUs.p95)}: features, plan cache and model` : 'no query yet'}
      />
      <Tile
        id="regret-oracle"
        label="Regret vs the best plan per query"
        value={regretValue(regret.meanRegretVsOracleMs, regret.oracleMeanMs)}
        detail={
          regret.oracleSamples === 0
            ? noSamples
            : `mean over ${samples}; chosen ${regret.selectorMeanMs === null ? '—' : formatMs(regret.selectorMeanMs)}, oracle ${regret.oracleMeanMs === null ? '—' : formatMs(regret.oracleMeanMs)}`
        }
      />
      <Tile
        id="regret-fixed"
        label="Regret vs the best fixed plan"
        value={regretValue(vsFixed, regret.bestFixedMeanMs)}
        detail={
          vsFixed === null || regret.bestFixedPlan === null
            ? noSamples
            : `${vsFixed < 0 ? 'better than' : vsFixed > 0 ? 'worse than' : 'as fast as'} always running ${regret.bestFixedPlan}`
        }
      />
      <Tile
        id="best-fixed"
        label="Best fixed plan"
        value={regret.bestFixedPlan ?? '—'}
        detail={
          regret.bestFixedPlan === null || regret.bestFixedMeanMs === null
            ? noSamples
            : `${formatMs(regret.bestFixedMeanMs)} mean over ${samples}`
        }
      />
    </ul>
  );
}
