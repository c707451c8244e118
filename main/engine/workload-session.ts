import type { PoolManager, TimedPool } from '../pool/index.ts';
import {
  loadDemoProfile,
  loadWorkloadProfile,
  prepareTemplateParams,
  COLUMNS_AS_TEXT,
  type WorkloadProfile,
  createTemplatePicker,
  PgWorkloadTarget,
  WorkloadRunner,
  type WorkloadTarget,
  SplitWorkloadTarget,
  type HybridTemplateSpec,
} from '../workload/index.ts';
import { seededRandom } from '../util/random.ts';
import type { WorkloadStatus } from '../contract/status.ts';
import { CachedWorkloadTarget } from './cached-workload-target.ts';
import type { CacheSession } from './cache-session.ts';
import { probeTemplates } from './workload-sql-probe.ts';

export interface WorkloadSessionOptions {
  /** The stack's workload pool (read-only sessions); the session runs on its normal lane and does not own it. */
  pool: PoolManager;
  /**
   * Where the templates' statements run: the read replicas (see ReplicaReads); absent: `pool`. The start-up
   * queries and the templates' probe use `pool` either way.
   */
  reads?: TimedPool;
  /** `demo` or the path of a profile file. */
  profile: string;
  /** Requests per second; the profile's own rate, or 100, when absent. */
  rate?: number;
  /** Seed of the parameter and template choices, for reproducible runs. */
  seed?: number;
  warmupIntervals?: number;
  /** Templates with a `cache:` section read through it; without one they go to the database. */
  cache?: CacheSession;
  /** Serves the profile's hybrid templates (the plan selector); a profile with hybrid templates needs it. */
  hybrid?: HybridTargetFactory;
}

/** Makes the target that answers a profile's hybrid templates (number i of `templates` is the runner's i-th hybrid). */
export type HybridTargetFactory = (templates: readonly HybridTemplateSpec[], seed: number) => HybridTarget;

/** A hybrid target may hold state for the workload (the plan selector's thread keeps its query generators): `close` ends it. */
export type HybridTarget = WorkloadTarget & { close?(): Promise<void> };

/** One running workload: its profile and the open-loop runner on the stack's pool. */
export class WorkloadSession {
  private constructor(
    readonly profile: WorkloadProfile,
    readonly runner: WorkloadRunner,
    private readonly hybrid: HybridTarget | null,
  ) {}

  /** Loads, validates and plans the profile on the server; nothing runs until `runner.start()`. */
  static async open(options: WorkloadSessionOptions): Promise<WorkloadSession> {
    const profile = options.profile === 'demo' ? await loadDemoProfile() : await loadWorkloadProfile(options.profile);
    const pool = options.pool;
    const random = seededRandom(options.seed ?? Date.now());
    const query = async (sql: string): Promise<unknown[]> => {
      const result = await pool.query('normal', { text: sql, types: COLUMNS_AS_TEXT });
      const first = result.fields[0]?.name;
      return first === undefined ? [] : result.rows.map((row: Record<string, unknown>) => row[first]);
    };
    const nextParams = await Promise.all(profile.templates.map((template) => prepareTemplateParams(template, { query, random })));
    // Everything that can fail is checked before the caller replaces a running workload with this one.
    await probeTemplates(pool, profile.name, profile.templates, nextParams);
    // Hybrid requests carry no parameters: the plan selector's generator draws each query when it runs.
    const noParams = (): unknown[] => [];
    let target = workloadTarget(new PgWorkloadTarget(options.reads ?? pool, profile.templates), profile, options.cache);
    let hybrid: HybridTarget | null = null;
    if (profile.hybrid.length > 0) {
      if (!options.hybrid)
        throw new Error(
          `Profile "${profile.name}" has hybrid templates (${profile.hybrid.map((t) => t.name).join(', ')}), but no plan selector serves this stack.`,
        );
      hybrid = options.hybrid(profile.hybrid, Math.floor(random() * 2 ** 31));
      target = new SplitWorkloadTarget(target, profile.templates.length, hybrid);
    }
    const runner = new WorkloadRunner({
      templates: [
        ...profile.templates.map((template, index) => ({ name: template.name, nextParams: nextParams[index]! })),
        ...profile.hybrid.map((template) => ({ name: template.name, nextParams: noParams })),
      ],
      pickTemplate: createTemplatePicker(
        [...profile.templates, ...profile.hybrid].map((t) => t.weight),
        random,
      ),
      target,
      rate: options.rate ?? profile.rate ?? 100,
      random,
      intervalMs: 0,
      warmupIntervals: options.warmupIntervals ?? 2,
    });
    return new WorkloadSession(profile, runner, hybrid);
  }

  status(): WorkloadStatus {
    return {
      running: this.runner.running,
      profile: this.profile.name,
      templates: [...this.profile.templates, ...this.profile.hybrid].map((t) => t.name),
      targetRate: this.runner.targetRate,
    };
  }

  /** Stops sending and waits for the requests in flight; the pool stays (it belongs to the stack). */
  async close(): Promise<void> {
    try {
      await this.runner.stop();
    } finally {
      await this.hybrid?.close?.();
    }
  }
}

function workloadTarget(database: PgWorkloadTarget, profile: WorkloadProfile, cache: CacheSession | undefined): WorkloadTarget {
  if (!cache || !profile.templates.some((t) => t.cache)) return database;
  const templates = profile.templates.map((t) => ({ name: t.name, sql: t.sql, ...(t.cache ? { ttlMs: t.cache.ttlSeconds * 1000 } : {}) }));
  return new CachedWorkloadTarget(database, templates, cache.cache, cache.hotKeys, cache.namespace, cache.recipes);
}
