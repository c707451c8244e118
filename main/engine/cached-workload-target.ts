import { createHash } from 'node:crypto';
import type { HotKeys, TieredCache } from '../cache/index.ts';
import type { ExecutionTiming, WorkloadTarget } from '../workload/index.ts';
import type { CachedQueryRecipe, CachedQueryRecipes } from './cached-query-recipes.ts';

/** A target that can hand back the rows it read (PgWorkloadTarget). */
export interface RowsTarget extends WorkloadTarget {
  run(template: number, params: unknown[]): Promise<{ rows: unknown[]; timing: ExecutionTiming }>;
}

export interface CachedTemplate {
  name: string;
  sql: string;
  /** Absent: not cached, every request goes to the database. */
  ttlMs?: number;
}

const SERVED_FROM_CACHE: ExecutionTiming = { acquireUs: 0, serverUs: 0 };

/**
 * The cache key of one template call: its template's prefix, then its parameters as JSON (which
 * `CachedQueryRecipes` reads back to load the call again). The SQL's hash is part of it, so an edited template never reads the
 * old template's results; `namespace` keeps databases apart when they share a Redis or a bucket.
 */
export function templateCacheKey(namespace: string, template: CachedTemplate, params: readonly unknown[]): string {
  return keyWithParams(templateKeyPrefix(namespace, template), params);
}

function keyWithParams(prefix: string, params: readonly unknown[]): string {
  return `${prefix}${JSON.stringify(params)}`;
}

/**
 * The prefix of every key of the template named `name`, whatever its SQL (an edited template's older results too).
 * The colon after the name keeps `chunk` from matching `chunk_by_id`.
 */
export function templateInvalidationPrefix(namespace: string, name: string): string {
  return `${namespace}:${name}:`;
}

/** The part of the key that does not depend on the parameters: computed once per template, not per request. */
function templateKeyPrefix(namespace: string, template: CachedTemplate): string {
  const sqlHash = createHash('sha1').update(template.sql).digest('hex').slice(0, 12);
  return `${templateInvalidationPrefix(namespace, template.name)}${sqlHash}:`;
}

/**
 * Reads cacheable templates through the tiered cache (one database call per key at a time, whatever the
 * concurrency) and passes the others straight through. Every cached request is recorded in the hot-key
 * table, so the operator can warm the cache with what traffic actually asks for; the templates' key prefixes go to
 * `recipes`, which turns a hot key back into its query.
 */
export class CachedWorkloadTarget implements WorkloadTarget {
  private readonly keyPrefixes: string[];

  constructor(
    private readonly inner: RowsTarget,
    private readonly templates: readonly CachedTemplate[],
    private readonly cache: TieredCache,
    private readonly hotKeys: HotKeys<CachedQueryRecipe>,
    namespace: string,
    recipes: CachedQueryRecipes,
  ) {
    this.keyPrefixes = templates.map((t) => templateKeyPrefix(namespace, t));
    templates.forEach((t, i) => {
      if (t.ttlMs !== undefined) recipes.register(this.keyPrefixes[i]!, { template: t.name, sql: t.sql, ttlMs: t.ttlMs });
    });
  }

  async execute(template: number, params: unknown[]): Promise<ExecutionTiming> {
    const spec = this.templates[template]!;
    if (spec.ttlMs === undefined) return await this.inner.execute(template, params);
    const key = keyWithParams(this.keyPrefixes[template]!, params);
    this.hotKeys.record(key);
    let timing = SERVED_FROM_CACHE;
    await this.cache.getOrLoad(
      key,
      async () => {
        const result = await this.inner.run(template, params);
        timing = result.timing;
        return result.rows;
      },
      { ttlMs: spec.ttlMs },
    );
    return timing;
  }
}
