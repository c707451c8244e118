import type { AdvisorReportPayload, IndexProposalPayload, OptimizeStep } from '../contract/advisor.ts';

export interface PlanInputs {
  advisor: AdvisorReportPayload;
  /** Read-only mode: no DDL at all, so no index step. */
  readOnly: boolean;
  /** The cache, when there is one: hot keys known from traffic and how many entries the L1 holds. */
  cache: { hotKeys: number; l1Entries: number } | null;
  /** Whether a workload runs (before/after can be measured). */
  workloadRunning: boolean;
}

/** How many hot keys one warm step loads at most: enough for the head of a Zipf distribution, bounded in time. */
export const WARM_KEYS = 5_000;

const percent = (share: number) => `${(share * 100).toLocaleString('en', { maximumFractionDigits: 1 })}%`;

function indexStep(proposal: IndexProposalPayload): OptimizeStep {
  const costBefore = proposal.serves.reduce((sum, s) => sum + s.costBefore, 0);
  const costAfter = proposal.serves.reduce((sum, s) => sum + s.costAfter, 0);
  const drop = costBefore > 0 ? 1 - costAfter / costBefore : 0;
  const who = proposal.serves.map((s) => s.template ?? s.query.slice(0, 60)).join(', ');
  const columns = proposal.columns.map((c) => `${c.name}${c.direction === 'desc' ? ' DESC' : ''}`).join(', ');
  return {
    id: `index:${proposal.name}`,
    kind: 'index',
    title: `Build ${proposal.method === 'brin' ? 'a BRIN' : 'a B-tree'} index on ${proposal.table} (${columns})${proposal.predicate ? ` WHERE ${proposal.predicate}` : ''}`,
    detail: `${proposal.reason} Serves ${who}. Built online (CREATE INDEX CONCURRENTLY): reads and writes go on.`,
    estimatedGain: `−${percent(drop)} planner cost for ${proposal.serves.length} statement${proposal.serves.length === 1 ? '' : 's'}; ${percent(proposal.estimatedGain.share)} of the workload's estimated cost`,
    ddl: proposal.ddl,
  };
}

/**
 * The Optimize plan: the advisor's index proposals in order of workload-wide gain, then cache warming when
 * traffic has shown hot keys the L1 does not hold. Each step says what it does and what it should gain; the
 * notes say what was left out and why, so an empty plan is never a silent one.
 */
export function buildOptimizeSteps(inputs: PlanInputs): { steps: OptimizeStep[]; notes: string[] } {
  const steps: OptimizeStep[] = [];
  const notes: string[] = [];
  const proposals = [...inputs.advisor.proposals].sort((a, b) => b.estimatedGain.costReduction - a.estimatedGain.costReduction);
  if (inputs.readOnly && proposals.length > 0) {
    notes.push(
      `Read-only mode: ${proposals.length} index proposal${proposals.length === 1 ? ' is' : 's are'} listed on the Indexes page but not built. Start Hotpath without --read-only to build them.`,
    );
  } else {
    steps.push(...proposals.map(indexStep));
  }
  if (proposals.length === 0)
    notes.push(
      `No index would help enough: the advisor checked ${inputs.advisor.statements} statements (${inputs.advisor.method === 'hypopg' ? 'what-if costs from HypoPG' : 'estimated costs'}).`,
    );
  if (inputs.cache && inputs.cache.hotKeys > 0) {
    const keys = Math.min(WARM_KEYS, inputs.cache.hotKeys);
    steps.push({
      id: 'cache:warm',
      kind: 'cache-warm',
      title: `Warm the cache with the ${keys.toLocaleString('en')} hottest keys`,
      detail: `Loads the keys recent traffic asked for most that no tier holds (the L1 holds ${inputs.cache.l1Entries.toLocaleString('en')} entries now), a few at a time on the pool's low lane.`,
      estimatedGain: 'Fewer first-read misses right after the change; no effect on keys already cached',
      ddl: null,
    });
  }
  if (!inputs.workloadRunning)
    notes.push('No workload is running, so before/after latency cannot be measured: start one to see the effect.');
  return { steps, notes };
}
