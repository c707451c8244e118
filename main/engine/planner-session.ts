/**
 * The learned plan selector for one connected stack: it loads the in-process vector index when hybrid queries
 * first need it, answers them through `HybridPlanner` on the pool it is given (the selector thread's own, see
 * planner-thread-worker.ts), keeps pg_stats and the index in step with the table (checked every minute, off the
 * query path), and reports its state for the Planner page.
 */

import type { PlannerStatusPayload } from '../contract/planner.ts';
import type { PoolManager } from '../pool/index.ts';
import {
  prepareHybridDomain,
  createHybridQueryGenerator,
  type HybridDomain,
  HybridPlanner,
  WorkerModelTrainer,
  PartialCache,
  PlanSelector,
  PLANS,
  PLAN_NAMES,
  type HybridQuery,
  type PlannerSql,
  RegretTracker,
  type PlannerTables,
  readColumnStats,
  unanalyzedStats,
  type SelectivityStats,
  VectorStore,
} from '../planner/index.ts';
import type { HybridTemplateSpec, ExecutionTiming, WorkloadTarget } from '../workload/index.ts';
import { seededRandom, type Random } from '../util/random.ts';

/** How often pg_stats is re-read and the table checked for new rows. */
const REFRESH_MS = 60_000;
/** One hybrid query in this many is also run with every plan (in the background) to measure regret. */
const ORACLE_EVERY = 10;
const IN_PROCESS_DETAIL =
  'Exact nearest neighbours in process: every embedding held in one float32 array, read from the chunks table and re-read when the table changes. The server has no pgvector.';

type Log = (level: 'info' | 'warn', message: string) => void;

interface Loaded {
  store: VectorStore;
  domain: HybridDomain;
  loadedAt: number;
}

export class PlannerSession {
  /** The pool's low lane: the index's loads and refreshes are all the SQL the selector sends (plans need none). */
  private readonly sql: PlannerSql;
  private readonly partials = new PartialCache();
  private readonly selector: PlanSelector;
  private readonly regret = new RegretTracker();
  private stats: SelectivityStats;
  private loaded: Loaded | null = null;
  private loading: Promise<Loaded> | null = null;
  private failure: string | null = null;
  private progress = { loaded: 0, total: 0 };
  private refreshTimer: NodeJS.Timeout | null = null;
  private refreshing = false;
  private closed = false;
  /** One planner for the session: a reloaded index is swapped into it, so `close` can wait for all its work. */
  private planner: HybridPlanner | null = null;

  constructor(
    pool: PoolManager,
    private readonly log: Log,
    /** The tables the selector reads (the demo's for the demo workload). */
    private readonly tables: PlannerTables,
  ) {
    this.stats = unanalyzedStats(tables);
    this.sql = { query: async (text, values) => ({ rows: (await pool.query('low', { text, values: values ? [...values] : [] })).rows }) };
    this.selector = new PlanSelector({
      trainer: new WorkerModelTrainer(),
      // The hybrid planner below samples the oracle (every plan on one query in ORACLE_EVERY) and teaches the selector from it.
      oracleSampled: ORACLE_EVERY > 0,
      onTrainingError: (error) =>
        this.log('warn', `Training the plan selector's latency model failed (the previous model stays in use): ${error.message}`),
    });
  }

  /** Loads the vector index, the statistics and the query domain once; concurrent callers share the load. */
  ensureLoaded(): Promise<Loaded> {
    if (this.loaded) return Promise.resolve(this.loaded);
    if (this.closed) return Promise.reject(new Error('The plan selector has stopped (the stack was disconnected).'));
    // A failed load is not retried per request (hybrid requests arrive several a second); the next workload start retries.
    if (this.failure) return Promise.reject(new Error(this.failure));
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  /** The target that answers a workload's hybrid templates: each request draws a query of its template's mix. */
  hybridTarget(templates: readonly HybridTemplateSpec[], seed: number): WorkloadTarget {
    const random = seededRandom(seed);
    // Drawn over the index they were made with: remade when the index is reloaded.
    let generators: { from: Loaded; draw: (() => HybridQuery)[] } | null = null;
    this.failure = null;
    void this.ensureLoaded().catch(() => undefined);
    return {
      execute: async (template: number): Promise<ExecutionTiming> => {
        const loaded = await this.ensureLoaded();
        if (generators?.from !== loaded) generators = { from: loaded, draw: templates.map((t) => anchoredGenerator(loaded, t, random)) };
        const { latencyMs } = await this.planner!.answer(generators.draw[template]!());
        // A plan may hold several connections in turn and in parallel: its whole time counts as the server's.
        return { acquireUs: 0, serverUs: Math.round(latencyMs * 1000) };
      },
    };
  }

  async retrain(): Promise<PlannerStatusPayload> {
    await this.selector.retrain();
    this.log('info', 'The plan selector retrained its latency model.');
    return this.status();
  }

  reset(): PlannerStatusPayload {
    this.selector.reset();
    this.regret.reset();
    this.partials.clear();
    this.log('info', 'The plan selector was reset: it starts over on the default plan.');
    return this.status();
  }

  /** Memory pressure: drops the cached partial results (rebuilt as queries need them); returns the bytes they held. */
  releaseCaches(): number {
    const { bytes } = this.partials.stats();
    this.partials.clear();
    return bytes;
  }

  status(): PlannerStatusPayload {
    const now = Date.now();
    const { usage, ...regret } = this.regret.status(now);
    const { model, planCache } = this.selector.status();
    const loaded = this.loaded;
    return {
      state: this.failure ? 'failed' : loaded ? 'ready' : this.loading ? 'loading' : 'off',
      message: this.message(),
      vectorPath: { kind: 'in-process', detail: IN_PROCESS_DETAIL },
      index: loaded ? { rows: loaded.store.rows, bytes: loaded.store.bytes, loadedAt: loaded.loadedAt } : null,
      plans: PLAN_NAMES.map((name) => ({
        name,
        description: PLANS[name].description,
        chosen: usage[name].chosen,
        meanMs: usage[name].meanMs,
      })),
      model,
      planCache,
      ...regret,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    await this.loading?.catch(() => undefined);
    await this.planner?.settle();
    await this.selector.close();
  }

  private message(): string | null {
    if (this.failure) return this.failure;
    if (this.loading)
      return `Reading the embeddings into the in-process index: ${this.progress.loaded.toLocaleString('en')} of ${this.progress.total.toLocaleString('en')} chunks.`;
    if (!this.loaded) return 'Idle: it loads when a workload with hybrid templates starts (the demo workload has two).';
    if (!this.stats.analyzed) return this.stats.note;
    return null;
  }

  private async load(): Promise<Loaded> {
    this.failure = null;
    try {
      this.stats = await readColumnStats(this.sql, this.tables);
      const store = await VectorStore.load(this.sql, this.tables, { onProgress: (loaded, total) => (this.progress = { loaded, total }) });
      if (store.rows === 0) throw new Error(`${this.tables.schema}.${this.tables.chunks.table} is empty`);
      const domain = await prepareHybridDomain(this.sql, this.tables);
      if (this.closed) throw new Error('the stack was disconnected while the index loaded');
      this.planner = this.plannerFor(store);
      this.loaded = { store, domain, loadedAt: Date.now() };
      this.refreshTimer ??= setInterval(() => void this.refresh(), REFRESH_MS).unref();
      this.log(
        'info',
        `The plan selector's vector index holds ${store.rows.toLocaleString('en')} chunks (${(store.bytes / 1024 / 1024).toFixed(1)} MiB).`,
      );
      return this.loaded;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.failure = `The plan selector could not load the demo data (${reason}). Seed the demo data (Overview → Seed), then start the workload again.`;
      this.log('warn', this.failure);
      throw new Error(this.failure, { cause: error });
    }
  }

  private plannerFor(store: VectorStore): HybridPlanner {
    return new HybridPlanner({
      store,
      partials: this.partials,
      stats: () => this.stats,
      selector: this.selector,
      regret: this.regret,
      oracleEvery: ORACLE_EVERY,
    });
  }

  /** Re-reads pg_stats; reloads the index when chunks or edges were added or removed (the cached sets are then stale too). */
  private async refresh(): Promise<void> {
    const loaded = this.loaded;
    if (!loaded || this.closed || this.refreshing) return;
    this.refreshing = true;
    try {
      this.stats = await readColumnStats(this.sql, this.tables);
      const now = await VectorStore.readFingerprint(this.sql, this.tables);
      const was = loaded.store.fingerprint;
      if (now.rows === was.rows && now.maxId === was.maxId && now.edges === was.edges) return;
      const store = await VectorStore.load(this.sql, this.tables);
      const domain = await prepareHybridDomain(this.sql, this.tables);
      if (this.closed) return;
      this.planner?.useStore(store);
      this.partials.clear();
      this.loaded = { store, domain, loadedAt: Date.now() };
      this.log(
        'info',
        `The demo data changed (chunks ${was.rows.toLocaleString('en')} → ${now.rows.toLocaleString('en')}, edges ${was.edges.toLocaleString('en')} → ${now.edges.toLocaleString('en')}): the plan selector reloaded its index.`,
      );
    } catch (error) {
      this.log('warn', `The plan selector could not refresh its statistics: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.refreshing = false;
    }
  }
}

/** The template's share of anchored queries, on top of the generator's own mix. */
function anchoredGenerator(loaded: Loaded, template: HybridTemplateSpec, random: Random): () => HybridQuery {
  const draw = createHybridQueryGenerator(
    loaded.domain,
    loaded.store,
    random,
    template.unselective === undefined ? {} : { unselective: template.unselective },
  );
  return () => {
    const wantAnchor = random() < template.anchored;
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const query = draw();
      if (Boolean(query.anchor) === wantAnchor) return query;
      if (!wantAnchor) return { embedding: query.embedding, k: query.k, filters: query.filters };
    }
    return draw();
  };
}
