/**
 * The fixed vocabulary of the demo data. Weights are deliberately uneven: the index advisor and
 * the plan selector only have something to learn when some values are rare and others common.
 */

/** Where chunks come from, with their share of all chunks (45% … 2%). */
export const ORIGINS = [
  ['claude', 0.45],
  ['chatgpt', 0.25],
  ['cursor', 0.15],
  ['slack', 0.08],
  ['github', 0.05],
  ['email', 0.02],
] as const;

export const KINDS = [
  ['message', 0.52],
  ['code', 0.2],
  ['tool_output', 0.12],
  ['summary', 0.08],
  ['document', 0.05],
  ['error', 0.03],
] as const;

export const RELATIONS = ['follows', 'reply_to', 'references', 'similar_to'] as const;
export type Relation = (typeof RELATIONS)[number];

/** Each topic is a cluster in embedding space and a handful of words that its chunks talk about. */
export const TOPICS: readonly (readonly string[])[] = [
  ['postgres', 'index', 'vacuum', 'planner', 'btree', 'query', 'explain'],
  ['redis', 'cache', 'eviction', 'ttl', 'cluster', 'keyspace', 'hit rate'],
  ['react', 'component', 'render', 'hook', 'state', 'props', 'memo'],
  ['deploy', 'pipeline', 'docker', 'image', 'rollout', 'canary', 'helm'],
  ['latency', 'p99', 'histogram', 'percentile', 'tail', 'stall', 'budget'],
  ['auth', 'token', 'session', 'oauth', 'scope', 'refresh', 'cookie'],
  ['embedding', 'vector', 'similarity', 'cosine', 'retrieval', 'rerank', 'chunk'],
  ['graph', 'edge', 'neighbour', 'traversal', 'degree', 'path', 'node'],
  ['billing', 'invoice', 'customer', 'plan', 'refund', 'usage', 'tax'],
  ['typescript', 'type', 'generic', 'module', 'compiler', 'strict', 'inference'],
  ['incident', 'outage', 'pager', 'postmortem', 'alert', 'runbook', 'mitigation'],
  ['migration', 'schema', 'column', 'backfill', 'lock', 'rollback', 'ddl'],
  ['test', 'fixture', 'flaky', 'assertion', 'coverage', 'mock', 'ci'],
  ['memory', 'heap', 'leak', 'gc', 'allocation', 'snapshot', 'pressure'],
  ['search', 'ranking', 'filter', 'facet', 'query', 'recall', 'precision'],
  ['design', 'layout', 'colour', 'font', 'spacing', 'icon', 'theme'],
];

export const FILLER_WORDS = [
  'the',
  'a',
  'we',
  'should',
  'check',
  'why',
  'after',
  'before',
  'when',
  'this',
  'that',
  'is',
  'was',
  'fails',
  'works',
  'again',
  'slow',
  'fast',
  'with',
  'without',
  'for',
  'on',
  'in',
  'new',
  'old',
  'maybe',
] as const;

/** How each kind of chunk starts, so content reads a little like what it claims to be. */
export const KIND_OPENERS: Readonly<Record<(typeof KINDS)[number][0], string>> = {
  message: '',
  code: '// ',
  tool_output: '$ ',
  summary: 'Summary: ',
  document: '# ',
  error: 'Error: ',
};
