import { randomInt, seededRandom, type Random } from '../util/random.ts';
import { ORIGINS, TOPICS } from './demo-vocabulary.ts';
import { apportion, deriveSeed, exponential, logNormal, paretoInt, pickWeighted } from './sampling.ts';

/** The 90 days of activity that end at the seed's end time. */
export const DEMO_WINDOW_MS = 90 * 24 * 60 * 60 * 1000;
/** Sessions are heavy-tailed: most have a few chunks, a few have hundreds. */
export const MAX_SESSION_CHUNKS = 400;
const SESSION_LENGTH_ALPHA = 1.1;
/** Median gap between two chunks of one session; each session draws its own pace around it. */
const MEDIAN_SESSION_GAP_MS = 45_000;
/** Share of a session's chunks on the session's own topic; the rest wander. */
const ON_TOPIC = 0.8;
const TOPIC_WEIGHTS = TOPICS.map((_, k) => [k, 1 / Math.pow(k + 1, 0.8)] as const);

/**
 * The skeleton of the demo data, in compact typed arrays (about 20 bytes a chunk), indexed by
 * `id - 1`: who, when, which session and topic. Rows are built from it lazily; the graph needs it
 * whole (an edge must not predate either end). Ids follow time, as in an append-only log, so
 * `created_at` is physically correlated with the heap order the way real tables are.
 */
export interface DemoTimeline {
  readonly count: number;
  readonly sessionCount: number;
  /** Epoch ms, non-decreasing with the id. */
  readonly createdAt: Float64Array;
  /** 1..sessionCount, numbered in order of each session's first chunk. */
  readonly sessionId: Int32Array;
  /** Index into ORIGINS. */
  readonly origin: Uint8Array;
  /** Index into TOPICS. */
  readonly topic: Uint8Array;
  /** Id of the previous chunk of the same session; 0 for a session's first chunk. */
  readonly previousInSession: Int32Array;
}

/** Sessions start more often in working hours (UTC) than at night. */
function sampleSessionStart(random: Random, from: number, to: number): number {
  for (;;) {
    const at = from + random() * (to - from);
    const hour = new Date(at).getUTCHours();
    if (random() < (hour >= 8 && hour < 20 ? 1 : 0.3)) return at;
  }
}

export function buildTimeline(count: number, seed: number, endTime: number): DemoTimeline {
  const random = seededRandom(deriveSeed(seed, 1));
  const windowStart = endTime - DEMO_WINDOW_MS;
  const rawTime = new Float64Array(count);
  const rawSession = new Int32Array(count);
  const rawTopic = new Uint8Array(count);
  const sessionOrigin: number[] = [];
  // Each origin gets its exact share of chunks, so origin sizes differ as designed even in small seeds.
  const budgets = apportion(
    count,
    ORIGINS.map(([, share]) => share),
  );
  let n = 0;
  budgets.forEach((budget, origin) => {
    for (let left = budget; left > 0;) {
      const length = Math.min(paretoInt(random, SESSION_LENGTH_ALPHA, MAX_SESSION_CHUNKS), left);
      const topic = pickWeighted(random, TOPIC_WEIGHTS);
      const meanGap = logNormal(random, MEDIAN_SESSION_GAP_MS, 1);
      const offsets = [0];
      for (let j = 1; j < length; j += 1) offsets.push(offsets[j - 1]! + exponential(random, meanGap));
      const span = offsets[length - 1]!;
      const start = Math.max(windowStart, Math.min(sampleSessionStart(random, windowStart, endTime), endTime - span));
      const session = sessionOrigin.length;
      sessionOrigin.push(origin);
      for (const offset of offsets) {
        rawTime[n] = Math.min(endTime, Math.round(start + offset));
        rawSession[n] = session;
        rawTopic[n] = random() < ON_TOPIC ? topic : randomInt(random, 0, TOPICS.length - 1);
        n += 1;
      }
      left -= length;
    }
  });

  const order = new Uint32Array(count).map((_, i) => i).sort((a, b) => rawTime[a]! - rawTime[b]! || a - b);
  const createdAt = new Float64Array(count);
  const sessionId = new Int32Array(count);
  const origin = new Uint8Array(count);
  const topic = new Uint8Array(count);
  const previousInSession = new Int32Array(count);
  const sessionNumber = new Int32Array(sessionOrigin.length);
  const lastIdOfSession = new Int32Array(sessionOrigin.length);
  let sessionCount = 0;
  order.forEach((raw, i) => {
    const session = rawSession[raw]!;
    if (sessionNumber[session] === 0) sessionNumber[session] = ++sessionCount;
    createdAt[i] = rawTime[raw]!;
    sessionId[i] = sessionNumber[session]!;
    origin[i] = sessionOrigin[session]!;
    topic[i] = rawTopic[raw]!;
    previousInSession[i] = lastIdOfSession[session]!;
    lastIdOfSession[session] = i + 1;
  });
  return { count, sessionCount, createdAt, sessionId, origin, topic, previousInSession };
}
