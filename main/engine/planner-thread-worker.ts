/**
 * The plan selector's thread. Hybrid queries rank embeddings in process: on the demo's store one plan can compute
 * for tens of milliseconds without a pause, and every tenth query also runs every plan for the oracle. On the
 * engine's thread that stalled every other request behind it (the demo's point lookups' p95 grew by an order of
 * magnitude: docs/measurements.md); here it only competes for a core. The worker holds the whole `PlannerSession` (vector index, partial cache,
 * selector) and its own small pool on the stack's database; the engine's `PlannerThread` talks to it by messages.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { PoolManager } from '../pool/index.ts';
import type { WorkloadTarget } from '../workload/index.ts';
import { DEMO_PLANNER_TABLES } from './demo-planner-tables.ts';
import { PlannerSession } from './planner-session.ts';
import type { PlannerMessage, PlannerReplies, PlannerRequest, PlannerThreadData } from './planner-thread-protocol.ts';
import { lowerThisThreadPriority } from '../util/thread-priority.ts';

/** Enough for hybrid-parallel's two statements at once, a background oracle run and a refresh. */
const POOL_MAX = 4;
/**
 * This thread's niceness. Its queries are a small share of the traffic and each takes milliseconds of CPU, while the
 * engine's thread answers the rest in microseconds and falls behind whenever it waits for a core: at 15 the kernel
 * gives this thread what the engine's thread, V8's collector threads and the database leave, which on two cores is
 * still all it needs on average (README, "Find capacity", has the measurement). Not 19, the trainer's: these queries
 * are waited for.
 */
const PLANNER_NICENESS = 15;

if (!parentPort) throw new Error('planner-thread-worker.ts must run in a worker thread (see PlannerThread).');
const port = parentPort;
lowerThisThreadPriority(PLANNER_NICENESS);
const { connection } = workerData as PlannerThreadData;

const send = (message: PlannerMessage): void => port.postMessage(message);
const log = (level: 'info' | 'warn', message: string): void => send({ kind: 'log', level, message });

interface Opened {
  pool: PoolManager;
  session: PlannerSession;
}
// Opened on the first request: a failed open is answered to that request and retried by the next.
let opening: Promise<Opened> | null = null;
function opened(): Promise<Opened> {
  opening ??= PoolManager.open({ connection, readOnly: true, applicationName: 'hotpath-planner', min: 1, max: POOL_MAX })
    .then((pool) => ({ pool, session: new PlannerSession(pool, log, DEMO_PLANNER_TABLES) }))
    .catch((error: unknown) => {
      opening = null;
      throw error;
    });
  return opening;
}

const targets = new Map<number, WorkloadTarget>();
let nextTarget = 1;

async function handle(request: PlannerRequest): Promise<PlannerReplies[PlannerRequest['method']]> {
  switch (request.method) {
    case 'status':
      return (await opened()).session.status();
    case 'retrain':
      return await (await opened()).session.retrain();
    case 'reset':
      return (await opened()).session.reset();
    case 'openTarget': {
      const target = nextTarget++;
      targets.set(target, (await opened()).session.hybridTarget(request.templates, request.seed));
      return target;
    }
    case 'closeTarget':
      targets.delete(request.target);
      return null;
    case 'execute': {
      const target = targets.get(request.target);
      if (!target) throw new Error('This workload has stopped: its hybrid queries are no longer answered.');
      return await target.execute(request.template, []);
    }
    case 'releaseCaches': {
      // Never opens a session for this: one that is not open holds nothing.
      const open = await opening?.catch(() => null);
      return open ? open.session.releaseCaches() : 0;
    }
    case 'close': {
      targets.clear();
      const current = opening;
      opening = null;
      const open = await current?.catch(() => null);
      if (open) {
        await open.session.close();
        await open.pool.close();
      }
      return null;
    }
  }
}

port.on('message', (request: PlannerRequest) => {
  handle(request).then(
    (value) => send({ kind: 'reply', id: request.id, ok: true, value }),
    (error: unknown) => send({ kind: 'reply', id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
