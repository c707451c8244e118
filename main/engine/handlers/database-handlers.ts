import type pg from 'pg';
import {
  readActivity,
  cancelQuery,
  readLockTree,
  readDatabaseSizes,
  readVacuumHealth,
  DatabaseRatesSampler,
  terminateBackend,
  explainedPlan,
} from '../../database/index.ts';
import { explainStatement, type ExplainTarget, type IndexSpec, type StatementExplain } from '../../advisor/index.ts';
import { ContractError } from '../../contract/api.ts';
import { readStackRedisOverview } from '../redis-overview-client.ts';
import type { IndexProposalPayload } from '../../contract/advisor.ts';
import type { StatementPlan } from '../../contract/database.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type DatabaseCommands =
  | 'database.topStatements'
  | 'database.activity'
  | 'database.cancelQuery'
  | 'database.locks'
  | 'database.sizes'
  | 'database.vacuum'
  | 'database.rates'
  | 'database.terminateBackend'
  | 'database.redis'
  | 'database.explain';

/** The database's own view of itself, read through the engine's admin pool of the connected stack. */
export function databaseHandlers(ctx: EngineContext): HandlerGroup<DatabaseCommands> {
  // One rates sampler per connected stack: a new stack brings a new admin pool, hence a fresh series.
  const rateSamplers = new WeakMap<pg.Pool, DatabaseRatesSampler>();
  const ratesOf = (admin: pg.Pool): DatabaseRatesSampler => {
    let sampler = rateSamplers.get(admin);
    if (!sampler) rateSamplers.set(admin, (sampler = new DatabaseRatesSampler(admin)));
    return sampler;
  };
  return {
    'database.topStatements': async (p) => ctx.requireConnected().topStatements.sample(p.limit),
    'database.activity': async () => readActivity(ctx.requireConnected().admin),
    'database.cancelQuery': async (p) => {
      const result = await cancelQuery(ctx.requireConnected().admin, p.pid);
      ctx.log(
        'info',
        result.cancelled
          ? `Asked PostgreSQL to cancel the query of pid ${p.pid}.`
          : `PostgreSQL could not signal pid ${p.pid} (the connection had just closed).`,
      );
      return result;
    },
    'database.locks': async () => readLockTree(ctx.requireConnected().admin),
    'database.sizes': async (p) => readDatabaseSizes(ctx.requireConnected().admin, p.limit),
    'database.vacuum': async (p) => readVacuumHealth(ctx.requireConnected().admin, p.limit),
    'database.rates': async () => ratesOf(ctx.requireConnected().admin).sample(),
    'database.terminateBackend': async (p) => {
      const result = await terminateBackend(ctx.requireConnected().admin, p.pid);
      ctx.log(
        'info',
        result.terminated
          ? `Terminated the connection of pid ${p.pid}.`
          : `PostgreSQL signalled pid ${p.pid}, but it had not ended within the wait (or had just closed).`,
      );
      return result;
    },
    'database.explain': async (p) => {
      const ready = ctx.requireConnected();
      let proposal: IndexProposalPayload | undefined;
      if (p.proposal !== undefined) {
        proposal = ready.advisor.latest()?.proposals.find((x) => x.name === p.proposal);
        if (!proposal) {
          throw new ContractError(
            'no-such-proposal',
            `The latest analysis has no proposal named ${p.proposal}.`,
            'Run the analysis again (Indexes → Analyze), then pick a proposal from its list.',
          );
        }
      }
      const served = proposal?.serves[0];
      const target: ExplainTarget | null =
        p.queryId !== undefined
          ? { queryId: p.queryId }
          : p.query !== undefined
            ? { query: p.query }
            : served
              ? served.queryId !== null
                ? { queryId: served.queryId }
                : { query: served.query }
              : null;
      if (target === null) throw new ContractError('bad-request', `Proposal ${p.proposal} serves no statement to plan.`);
      const templates = ctx.workload()?.profile.templates.map((t) => ({ name: t.name, sql: t.sql, weight: t.weight })) ?? [];
      const result = await explainStatement({
        // Its own short-lived session, as the analysis has: HypoPG's hypothetical indexes live and die with it.
        pg: { ...ready.stack.pg, application_name: 'hotpath-advisor' },
        target,
        templates,
        ...(proposal ? { hypothetical: specOf(proposal) } : {}),
      });
      return statementPlan(result, proposal?.name ?? null);
    },
    'database.redis': async (p) => {
      const redis = ctx.requireConnected().stack.redis;
      if (!redis) {
        return {
          available: false,
          reason:
            'This stack has no Redis: connect one (a Redis URL with the PostgreSQL one) to see its memory, hit ratio, slow log and biggest keys.',
          server: null,
          slowlog: { entries: [], error: null },
          bigKeys: { keys: [], scanned: 0, complete: false, error: null },
        };
      }
      return readStackRedisOverview(redis, { keys: p.keys, scanBudget: p.scanBudget });
    },
  };
}

/** A proposal's index as the advisor's evaluator takes it. */
function specOf(p: IndexProposalPayload): IndexSpec {
  return { schema: p.schema, table: p.table, columns: p.columns, include: p.include, method: p.method, predicate: p.predicate };
}

/** The advisor's EXPLAIN as the contract shows it: each plan as a tree, the server's JSON and the text layout. */
function statementPlan(result: StatementExplain, proposal: string | null): StatementPlan {
  const { outcome, whatIf } = result;
  return {
    query: result.query,
    source: result.source,
    queryId: result.queryId,
    plannedAs: result.plannedAs,
    planned: outcome.planned,
    reason: outcome.planned ? null : outcome.reason,
    plan: outcome.planned ? explainedPlan(outcome.plan) : null,
    whatIf:
      whatIf === null || proposal === null
        ? null
        : whatIf.hypopg
          ? {
              proposal,
              ddl: whatIf.ddl,
              hypopg: true,
              note: null,
              before: explainedPlan(whatIf.before),
              after: explainedPlan(whatIf.after),
            }
          : { proposal, ddl: whatIf.ddl, hypopg: false, note: whatIf.note, before: null, after: null },
  };
}
