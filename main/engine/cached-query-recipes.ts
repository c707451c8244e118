/** What a key prefix stands for: the template whose calls' keys start with it. */
export interface RecipeTemplate {
  template: string;
  sql: string;
  ttlMs: number;
}

/** How to load a cached template call again: what warming runs for a hot key. */
export interface CachedQueryRecipe extends RecipeTemplate {
  params: unknown[];
}

/**
 * How to load a cached template call again, derived from its cache key (the template's key prefix, then its
 * parameters as JSON) instead of being kept for every hot key. Workloads register their templates' prefixes; a
 * prefix stays registered after its workload stops, so a restarted workload's hot keys can still be warmed. The
 * parameters come back as JSON gives them (a Date as its ISO text, which PostgreSQL reads as the same instant).
 */
export class CachedQueryRecipes {
  private readonly templates = new Map<string, RecipeTemplate>();

  register(keyPrefix: string, template: RecipeTemplate): void {
    this.templates.set(keyPrefix, template);
  }

  /** The recipe of `key`, or undefined when no registered prefix starts it or its parameters do not parse. */
  recipeOf(key: string): CachedQueryRecipe | undefined {
    for (const [prefix, template] of this.templates) {
      if (!key.startsWith(prefix)) continue;
      const params = parseParams(key.slice(prefix.length));
      return params === undefined ? undefined : { ...template, params };
    }
    return undefined;
  }
}

function parseParams(text: string): unknown[] | undefined {
  try {
    const params: unknown = JSON.parse(text);
    return Array.isArray(params) ? params : undefined;
  } catch {
    return undefined;
  }
}
