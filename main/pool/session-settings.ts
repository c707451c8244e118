import os from 'node:os';
import pg from 'pg';
import { PoolError } from './pool-errors.ts';

/**
 * Session settings every pooled connection gets. Only these names can be set (a whitelist: the pool never
 * passes an arbitrary parameter name to the server), each value is checked by the server before use, and
 * work_mem is bounded so that a full pool cannot exhaust the server's memory.
 */
export interface SessionSettings {
  /** statement_timeout: a query running longer is cancelled by the server. 0 = none. */
  statementTimeoutMs: number;
  /** lock_timeout: how long a statement waits for a lock. 0 = forever. */
  lockTimeoutMs: number;
  /** idle_in_transaction_session_timeout: a caller that leaves a transaction open loses its session. */
  idleInTransactionTimeoutMs: number;
  /** work_mem: memory per sort/hash node before spilling to disk. */
  workMemKb: number;
  /** jit: compiling expressions costs milliseconds; short OLTP queries only pay for it. */
  jit: boolean;
  /** plan_cache_mode for prepared statements: auto, force_generic_plan or force_custom_plan. */
  planCacheMode: string;
}

export type SettingKey = keyof SessionSettings;

interface Parameter {
  name: string;
  toServer(value: unknown): string;
}

const millis = (value: unknown): string => (typeof value === 'number' ? `${value}ms` : String(value));
const PARAMETERS: Record<SettingKey, Parameter> = {
  statementTimeoutMs: { name: 'statement_timeout', toServer: millis },
  lockTimeoutMs: { name: 'lock_timeout', toServer: millis },
  idleInTransactionTimeoutMs: { name: 'idle_in_transaction_session_timeout', toServer: millis },
  workMemKb: { name: 'work_mem', toServer: (v) => (typeof v === 'number' ? `${v}kB` : String(v)) },
  jit: { name: 'jit', toServer: (v) => (typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v)) },
  planCacheMode: { name: 'plan_cache_mode', toServer: (v) => String(v) },
};

export const SETTING_KEYS = Object.keys(PARAMETERS) as SettingKey[];

export function serverName(key: SettingKey): string {
  return PARAMETERS[key].name;
}

/** What the server's memory looks like, read once when the pool opens. */
export interface ServerMemoryFacts {
  sharedBuffersBytes: number;
  effectiveCacheSizeBytes: number;
  hashMemMultiplier: number;
  /** The host's RAM when the server runs on this machine (then os.totalmem() is the server's memory). */
  localTotalMemoryBytes?: number;
}

/** Share of the server's memory (less shared_buffers) that this pool's sorts and hashes may use at once. */
export const POOL_MEMORY_SHARE = 0.25;
/** Sort/hash nodes one query may run at once: a join and a sort, say. */
export const NODES_PER_QUERY = 2;
const MIN_WORK_MEM_KB = 64; // the server's own minimum
const MAX_COMPUTED_WORK_MEM_KB = 32 * 1024; // beyond this an OLTP pool gains nothing; an operator may go higher

export const DEFAULTS: Omit<SessionSettings, 'workMemKb'> = {
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 5_000,
  idleInTransactionTimeoutMs: 60_000,
  jit: false,
  planCacheMode: 'auto',
};

const DEFAULT_REASONS: Record<Exclude<SettingKey, 'workMemKb'>, string> = {
  statementTimeoutMs: 'default: a runaway query is cancelled by the server after 30 s instead of holding a connection',
  lockTimeoutMs: 'default: a statement waits at most 5 s for a lock, so one blocked table cannot stall the pool',
  idleInTransactionTimeoutMs: 'default: a caller that leaves a transaction open for 60 s loses the session, and its locks',
  jit: 'default off: JIT compilation costs milliseconds per query, more than short pooled queries run',
  planCacheMode: 'default auto: prepared statements switch to a generic plan once it is not worse',
};

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toLocaleString('en', { maximumFractionDigits: 0 })} MiB`;
}

/** The server's memory: the host's RAM if local, else guessed from the usual tuning (shared_buffers ≈ 25% of RAM). */
export function estimateServerMemory(facts: ServerMemoryFacts): { bytes: number; reason: string } {
  if (facts.localTotalMemoryBytes)
    return { bytes: facts.localTotalMemoryBytes, reason: `the host's RAM, ${mib(facts.localTotalMemoryBytes)}` };
  const bytes = Math.max(4 * facts.sharedBuffersBytes, (facts.effectiveCacheSizeBytes * 4) / 3);
  return {
    bytes,
    reason: `an estimate, ${mib(bytes)}, from shared_buffers ${mib(facts.sharedBuffersBytes)} × 4 and effective_cache_size ${mib(facts.effectiveCacheSizeBytes)} × 4/3`,
  };
}

/** Bytes this pool's queries may use for sorts and hashes when every connection is busy. */
export function memoryBudget(facts: ServerMemoryFacts): { bytes: number; reason: string } {
  const memory = estimateServerMemory(facts);
  const bytes = Math.max(0, memory.bytes - facts.sharedBuffersBytes) * POOL_MEMORY_SHARE;
  return {
    bytes,
    reason: `${POOL_MEMORY_SHARE * 100}% of (server memory − shared_buffers ${mib(facts.sharedBuffersBytes)}) = ${mib(bytes)}; server memory is ${memory.reason}`,
  };
}

/** Memory one connection may use at worst for a given work_mem. */
export function worstCasePerConnectionKb(workMemKb: number, facts: ServerMemoryFacts): number {
  return workMemKb * NODES_PER_QUERY * Math.max(1, facts.hashMemMultiplier);
}

/** The largest work_mem (kB) whose worst case at full pool size stays inside the budget. */
export function maxSafeWorkMemKb(facts: ServerMemoryFacts, poolMax: number): number {
  const perNode = memoryBudget(facts).bytes / 1024 / (Math.max(1, poolMax) * NODES_PER_QUERY * Math.max(1, facts.hashMemMultiplier));
  return Math.floor(perNode);
}

export interface ComputedSettings {
  values: SessionSettings;
  reasons: Record<SettingKey, string>;
}

/** Settings for a pool of `poolMax` connections: defaults, then work_mem from the memory budget, then overrides. */
export function computeSessionSettings(
  facts: ServerMemoryFacts,
  poolMax: number,
  overrides: Partial<SessionSettings> = {},
): ComputedSettings {
  const budget = memoryBudget(facts);
  const safe = maxSafeWorkMemKb(facts, poolMax);
  const workMemKb = Math.max(MIN_WORK_MEM_KB, Math.min(MAX_COMPUTED_WORK_MEM_KB, safe));
  const workMemReason =
    `${workMemKb.toLocaleString('en')} kB: budget ${budget.reason}, ÷ (${poolMax} connections × ${NODES_PER_QUERY} sort/hash nodes × hash_mem_multiplier ${facts.hashMemMultiplier}) = ${safe.toLocaleString('en')} kB` +
    (safe > MAX_COMPUTED_WORK_MEM_KB
      ? `, capped at ${MAX_COMPUTED_WORK_MEM_KB.toLocaleString('en')} kB (short pooled queries gain nothing from more)`
      : '') +
    (safe < MIN_WORK_MEM_KB ? `, raised to the server's minimum of ${MIN_WORK_MEM_KB} kB` : '');
  const values: SessionSettings = { ...DEFAULTS, workMemKb, ...overrides };
  const reasons = { ...DEFAULT_REASONS, workMemKb: workMemReason } as Record<SettingKey, string>;
  for (const key of Object.keys(overrides) as SettingKey[]) reasons[key] = `set by the operator (was ${reasons[key]})`;
  return { values, reasons };
}

/** Our own checks before the server's: known names only, and work_mem within the memory budget. */
export function checkChange(change: Partial<SessionSettings>, facts: ServerMemoryFacts, poolMax: number): void {
  const unknown = Object.keys(change).filter((key) => !(key in PARAMETERS));
  if (unknown.length > 0) {
    throw new PoolError(
      'invalid-setting',
      `Unknown session setting ${unknown.join(', ')}; the pool sets only ${SETTING_KEYS.join(', ')}.`,
      'Use one of the listed settings; others can be set per transaction with SET LOCAL.',
    );
  }
  const workMem = change.workMemKb;
  if (typeof workMem === 'number' && Number.isFinite(workMem)) {
    const safe = maxSafeWorkMemKb(facts, poolMax);
    if (workMem > safe && workMem > MIN_WORK_MEM_KB) {
      const worst = worstCasePerConnectionKb(workMem, facts) * poolMax * 1024;
      throw new PoolError(
        'invalid-setting',
        `work_mem ${workMem.toLocaleString('en')} kB could use ${mib(worst)} with all ${poolMax} connections busy ` +
          `(× ${NODES_PER_QUERY} sort/hash nodes × hash_mem_multiplier ${facts.hashMemMultiplier}), more than this pool's budget of ${mib(memoryBudget(facts).bytes)}.`,
        `Use at most ${safe.toLocaleString('en')} kB, or shrink the pool first; for one big query use SET LOCAL work_mem in its transaction.`,
      );
    }
  }
}

/** `[server name, server value]` for every setting, in a fixed order. */
export function serverPairs(values: Partial<SessionSettings>): [string, string][] {
  return (Object.keys(values) as SettingKey[])
    .filter((key) => key in PARAMETERS && values[key] !== undefined)
    .map((key) => [PARAMETERS[key].name, PARAMETERS[key].toServer(values[key])]);
}

/**
 * One statement that sets every pair for the session: `set_config` takes names and values as parameters, so
 * nothing is pasted into SQL (the names come from the whitelist anyway).
 */
export function setConfigQuery(pairs: [string, string][], local: boolean): { text: string; values: string[] } {
  const calls = pairs.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, ${local ? 'true' : 'false'})`);
  return { text: `SELECT ${calls.join(', ')}`, values: pairs.flat() };
}

/**
 * Asks the server whether it accepts the change: on a fresh connection, inside a transaction that is rolled
 * back, so nothing is applied anywhere. Rejects with the server's own message.
 */
export async function validateWithServer(connection: pg.ClientConfig, change: Partial<SessionSettings>): Promise<void> {
  const client = new pg.Client({ ...connection, connectionTimeoutMillis: connection.connectionTimeoutMillis ?? 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new PoolError(
      'server-unavailable',
      `Could not connect to check the settings: ${(error as Error).message}.`,
      'Check that the server is up; nothing was applied.',
      { cause: error },
    );
  }
  try {
    await validateOnClient(client, change);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The same check on a given idle connection (used once when the pool opens, on its first connection). */
export async function validateOnClient(client: pg.ClientBase, change: Partial<SessionSettings>): Promise<void> {
  if (Object.keys(change).length === 0) return;
  await client.query('BEGIN');
  try {
    for (const [key, value] of Object.entries(change) as [SettingKey, unknown][]) {
      const [[name, text]] = serverPairs({ [key]: value }) as [[string, string]];
      try {
        await client.query({ text: 'SELECT set_config($1, $2, true)', values: [name, text] });
      } catch (error) {
        const serverError = error as Error & { hint?: string; detail?: string };
        throw new PoolError(
          'invalid-setting',
          `The server rejected ${key} = ${JSON.stringify(value)} (${name} = '${text}'): ${serverError.message}.`,
          [serverError.detail, serverError.hint, 'Correct the value and propose it again; nothing was applied.'].filter(Boolean).join(' '),
          { cause: error },
        );
      }
    }
  } finally {
    await client.query('ROLLBACK');
  }
}

/** Reads shared_buffers etc.; `host` decides whether the host's RAM is the server's. */
export async function readMemoryFacts(client: pg.ClientBase, host: string | undefined): Promise<ServerMemoryFacts> {
  const { rows } = await client.query<{ shared: string; cache: string; hash: string | null }>(
    `SELECT pg_size_bytes(current_setting('shared_buffers')) AS shared,
            pg_size_bytes(current_setting('effective_cache_size')) AS cache,
            current_setting('hash_mem_multiplier', true) AS hash`,
  );
  const row = rows[0]!;
  const local = host === undefined || host === '' || host.startsWith('/') || ['localhost', '127.0.0.1', '::1'].includes(host);
  return {
    sharedBuffersBytes: Number(row.shared),
    effectiveCacheSizeBytes: Number(row.cache),
    hashMemMultiplier: Number(row.hash ?? 1) || 1,
    ...(local ? { localTotalMemoryBytes: os.totalmem() } : {}),
  };
}
