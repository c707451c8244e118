import type pg from 'pg';
import { AdaptiveBatchProcessor, type BatchProcessorOptions, resolveBatchOptions } from '../batch/index.ts';
import { quoteIdent } from '../sql/identifiers.ts';
import { DEFAULT_DEMO_SEED, DEMO_GENERATOR_VERSION, DemoDataGenerator, validateChunkCount } from './demo-data-generator.ts';
import { chunkInsertQuery, edgeInsertQuery } from './demo-insert-statements.ts';
import { ensureDemoSchemaInTransaction, lockDemoTablesForTruncate } from './demo-schema-ownership.ts';
import { CHUNKS_TABLE, EDGES_TABLE, SEED_STATE_TABLE, demoDataStatus, demoTable, type DemoDataStatus } from './schema.ts';

export interface SeedProgress {
  phase: 'schema' | 'chunks' | 'edges' | 'analyze' | 'done';
  done: number;
  total: number;
  rowsPerSecond: number;
  batchSize: number;
}

export interface SeedOptions {
  chunks: number;
  /** Generator seed. Default DEFAULT_DEMO_SEED; a stored seed made from another one is not reused. */
  seed?: number;
  /** Cancels the seed: rejects with the signal's reason and leaves an incomplete seed, redone next time. */
  signal?: AbortSignal;
  onProgress?: (progress: SeedProgress) => void;
  batch?: Partial<BatchProcessorOptions>;
  /** Reseed even when a complete, large enough seed exists. */
  force?: boolean;
}

export interface SeedPhaseReport {
  rows: number;
  elapsedMs: number;
  batches: number;
  /** Size of every batch, in order: how the controller moved. */
  batchSizes: number[];
}

export interface SeedReport {
  /** True when an existing complete seed was kept and nothing was written. */
  reused: boolean;
  chunks: number;
  edges: number;
  seed: number;
  elapsedMs: number;
  /** Null when reused. */
  phases: { chunks: SeedPhaseReport; edges: SeedPhaseReport } | null;
}

/** Two seeders on one database would truncate each other's rows: a session advisory lock keeps it to one. */
const SEED_LOCK = [0x686f7470, 0x5eed] as const; // 'hotp', 'seed'

/** A stored seed worth keeping: finished, intact, made by this generator, at least as large as asked. */
function reusable(status: DemoDataStatus | null, chunks: number, seed: number | undefined): boolean {
  const state = status?.seedState;
  return (
    status?.complete === true &&
    state !== null &&
    state !== undefined &&
    state.targetChunks >= chunks &&
    state.generatorVersion === DEMO_GENERATOR_VERSION &&
    (seed === undefined || seed === state.seed)
  );
}

/** One connection holds the lock and does the DDL; the batches need at least one more. */
function batchConcurrency(pool: pg.Pool, requested: number | undefined): number {
  const poolMax = pool.options.max ?? 10;
  if (poolMax < 2)
    throw new RangeError(`Seeding needs a pool of at least 2 connections (one holds the seeding lock); its max is ${poolMax}.`);
  if (requested === undefined) return Math.min(2, poolMax - 1);
  if (requested > poolMax - 1) {
    throw new RangeError(
      `batch.concurrency ${requested} needs a pool of at least ${requested + 1} connections (one holds the seeding lock); its max is ${poolMax}.`,
    );
  }
  return requested;
}

/**
 * Seeds the `unified` demo schema with `chunks` chunks and their edges, through the adaptive batch
 * processor, then ANALYZEs. A complete seed that is large enough is reused; a smaller or unfinished
 * one is truncated and redone. Every batch is one idempotent multi-row INSERT.
 */
export async function seedDemoData(pool: pg.Pool, options: SeedOptions): Promise<SeedReport> {
  const chunks = validateChunkCount(options.chunks);
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`The demo seed must be an integer; got ${String(options.seed)}.`);
  const batchOptions = { ...options.batch, concurrency: batchConcurrency(pool, options.batch?.concurrency) };
  resolveBatchOptions(batchOptions); // rejects bad batch options before anything is touched
  options.signal?.throwIfAborted();
  const emit = (progress: SeedProgress): void => options.onProgress?.(progress);
  const startedAt = performance.now();

  const client = await pool.connect();
  let releaseError: Error | undefined;
  try {
    emit({ phase: 'schema', done: 0, total: 1, rowsPerSecond: 0, batchSize: 0 });
    const { rows: lock } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [...SEED_LOCK]);
    if (lock[0]?.locked !== true) {
      throw new Error('Another process is seeding the demo data in this database; try again when it has finished.');
    }
    try {
      // Refuses, naming them, when `unified` holds anything Hotpath did not create: seeding truncates it. The
      // check, the seed-state update and the TRUNCATE are one transaction; before the TRUNCATE it locks the demo
      // tables and checks again (a reused seed takes no lock, so a running workload is not held up).
      const generator = new DemoDataGenerator({ chunks, seed, endTime: Date.now() });
      await client.query('BEGIN');
      let status: DemoDataStatus | null;
      try {
        await ensureDemoSchemaInTransaction(client);
        status = await demoDataStatus(client);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      if (status && !options.force && reusable(status, chunks, options.seed)) {
        await client.query('COMMIT');
        const stored = status.chunks + status.edges;
        emit({ phase: 'schema', done: 1, total: 1, rowsPerSecond: 0, batchSize: 0 });
        emit({ phase: 'done', done: stored, total: stored, rowsPerSecond: 0, batchSize: 0 });
        return {
          reused: true,
          chunks: status.chunks,
          edges: status.edges,
          seed: status.seedState!.seed,
          elapsedMs: performance.now() - startedAt,
          phases: null,
        };
      }
      await startSeed(client, generator);
      emit({ phase: 'schema', done: 1, total: 1, rowsPerSecond: 0, batchSize: 0 });

      const insert = { pool, batchOptions, emit, signal: options.signal };
      const chunkPhase = await insertPhase(insert, 'chunks', generator.chunks(), chunks, chunkInsertQuery);
      const edgePhase = await insertPhase(insert, 'edges', generator.edges(), generator.countEdges(), edgeInsertQuery);

      emit({ phase: 'analyze', done: 0, total: 1, rowsPerSecond: 0, batchSize: 0 });
      await client.query(`ANALYZE ${demoTable(CHUNKS_TABLE)}, ${demoTable(EDGES_TABLE)}`);
      await client.query(
        `UPDATE ${demoTable(SEED_STATE_TABLE)} SET ${quoteIdent('completed_at')} = now(), ${quoteIdent('completed_edges')} = $1`,
        [edgePhase.rows],
      );
      emit({ phase: 'analyze', done: 1, total: 1, rowsPerSecond: 0, batchSize: 0 });
      const final = await demoDataStatus(client);
      if (!final?.complete) {
        throw new Error(
          `The demo seed ended with ${final?.chunks ?? 0} chunks and ${final?.edges ?? 0} edges instead of ${chunks} and ${edgePhase.rows}; was the schema changed meanwhile?`,
        );
      }
      const rowsTotal = chunkPhase.rows + edgePhase.rows;
      const rowsPerSecond = (rowsTotal * 1000) / (chunkPhase.elapsedMs + edgePhase.elapsedMs || 1);
      emit({ phase: 'done', done: rowsTotal, total: rowsTotal, rowsPerSecond, batchSize: 0 });
      return {
        reused: false,
        chunks,
        edges: edgePhase.rows,
        seed,
        elapsedMs: performance.now() - startedAt,
        phases: { chunks: chunkPhase, edges: edgePhase },
      };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [...SEED_LOCK]).catch((error: Error) => {
        releaseError = error; // a broken connection is destroyed, which frees its lock
      });
    }
  } finally {
    client.release(releaseError);
  }
}

/**
 * Marks the seed unfinished before the first row changes, so a crash at any later point is noticed, and empties the
 * demo tables, under their lock and after a second ownership check; then commits the transaction the first check
 * opened (which releases the lock).
 * ONLY: a table inheriting from a demo table is refused by the check, and even so is never emptied.
 */
async function startSeed(client: pg.PoolClient, generator: DemoDataGenerator): Promise<void> {
  const q = quoteIdent;
  const { chunks, seed, endTime } = generator.spec;
  try {
    await lockDemoTablesForTruncate(client);
    await client.query(
      `INSERT INTO ${demoTable(SEED_STATE_TABLE)}
         (${q('target_chunks')}, ${q('generator_seed')}, ${q('generator_version')}, ${q('data_end_at')}, ${q('started_at')})
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (${q('singleton')}) DO UPDATE SET
         ${q('target_chunks')} = EXCLUDED.${q('target_chunks')}, ${q('generator_seed')} = EXCLUDED.${q('generator_seed')},
         ${q('generator_version')} = EXCLUDED.${q('generator_version')}, ${q('data_end_at')} = EXCLUDED.${q('data_end_at')},
         ${q('started_at')} = EXCLUDED.${q('started_at')}, ${q('completed_at')} = NULL, ${q('completed_edges')} = NULL`,
      [chunks, seed, DEMO_GENERATOR_VERSION, new Date(endTime).toISOString()],
    );
    await client.query(`TRUNCATE ONLY ${demoTable(CHUNKS_TABLE)}, ${demoTable(EDGES_TABLE)}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

interface InsertContext {
  pool: pg.Pool;
  batchOptions: Partial<BatchProcessorOptions>;
  emit: (progress: SeedProgress) => void;
  signal: AbortSignal | undefined;
}

/** Inserts one table's rows; stops at the first row that cannot be inserted, since the seed is then unusable. */
async function insertPhase<T>(
  context: InsertContext,
  phase: 'chunks' | 'edges',
  rows: Iterable<T>,
  total: number,
  query: (batch: T[]) => pg.QueryConfig,
): Promise<SeedPhaseReport> {
  const stop = new AbortController();
  const signal = context.signal ? AbortSignal.any([context.signal, stop.signal]) : stop.signal;
  const processor = new AdaptiveBatchProcessor({ ...context.batchOptions, signal });
  context.emit({ phase, done: 0, total, rowsPerSecond: 0, batchSize: processor.options.initialBatchSize });
  const report = await processor.process(
    rows,
    async (batch) => {
      await context.pool.query(query(batch));
    },
    {
      total,
      onProgress: (p) => {
        if (p.failed > 0) stop.abort();
        context.emit({ phase, done: p.done, total, rowsPerSecond: p.itemsPerSecond, batchSize: p.batchSize });
      },
    },
  );
  const failure = report.failed[0];
  if (failure) {
    const count = report.failed.reduce((sum, f) => sum + f.items.length, 0);
    throw new Error(
      `Seeding ${phase}: ${count} row(s) could not be inserted (${failure.error.message}). The seed is left unfinished and will be redone on the next run.`,
      { cause: failure.error },
    );
  }
  context.signal?.throwIfAborted();
  return {
    rows: report.processed,
    elapsedMs: report.elapsedMs,
    batches: report.batches,
    batchSizes: report.history.map((b) => b.size),
  };
}
