/**
 * Priority lanes for callers waiting for a connection: `high` (live traffic), `normal` (the workload) and
 * `low` (background jobs: index builds, cache warming).
 *
 * - **Reserved capacity**: normal and low together never hold more than `max − reservedHigh` connections, so a
 *   share of the pool is always left for high. High never waits while low or normal sit in that share.
 * - **Capped low**: low never holds more than `lowMaxShare` of the pool (at least one connection), so a burst of
 *   background work cannot crowd out the workload either.
 * - **Strict order with bounded starvation**: a free connection goes to the oldest waiter of the highest lane
 *   that is allowed to take it, except that a waiter at the head of its lane that has been overtaken
 *   `starvationBound` times goes next (aging). So a low waiter that its cap allows to run is overtaken at most
 *   `starvationBound` times; high overtakes everything else.
 * - **Joining** (pipelining: a query rides on a connection its lane already holds, see pipelining.ts) serves a
 *   caller ahead of the queue, so it follows the same order: never past a waiter of its own lane (who came first)
 *   or of a higher lane (who ranks first); past a lower lane's head waiter only as a free connection would go,
 *   each join counting as one overtaking, so that waiter too goes next after `starvationBound` (see `mayJoin`).
 *
 * Pure logic (no timers, no I/O): the pool manager asks `next()` whenever a connection is free.
 */
export type Lane = 'high' | 'normal' | 'low';
export const LANES: readonly Lane[] = ['high', 'normal', 'low'];

export interface LanePolicy {
  /** Share of the pool only high may use (rounded down; never the whole pool). Default 0.2. */
  highReservedShare: number;
  /** Largest share of the pool low may hold at once (rounded down, at least 1 connection). Default 0.5. */
  lowMaxShare: number;
  /** How many times the head waiter of a lane may be overtaken before it goes next. Default 8. */
  starvationBound: number;
}

export const DEFAULT_LANE_POLICY: LanePolicy = { highReservedShare: 0.2, lowMaxShare: 0.5, starvationBound: 8 };

export interface LaneCaps {
  /** Connections reserved for high. */
  reservedHigh: number;
  /** Most connections normal + low may hold together. */
  nonHigh: number;
  /** Most connections low may hold. */
  low: number;
}

export function laneCaps(max: number, policy: LanePolicy = DEFAULT_LANE_POLICY): LaneCaps {
  const size = Math.max(1, Math.floor(max));
  // Keep at least one connection for the other lanes: a pool of 1 reserves nothing.
  const reservedHigh = Math.min(Math.max(0, Math.floor(size * policy.highReservedShare)), size - 1);
  const nonHigh = size - reservedHigh;
  const low = Math.min(nonHigh, Math.max(1, Math.floor(size * policy.lowMaxShare)));
  return { reservedHigh, nonHigh, low };
}

export type LaneCounts = Record<Lane, number>;

export function zeroCounts(): LaneCounts {
  return { high: 0, normal: 0, low: 0 };
}

/** May a caller of `lane` take one more connection, given what each lane holds now? */
export function laneMayTake(lane: Lane, inUse: LaneCounts, caps: LaneCaps): boolean {
  if (lane === 'high') return true;
  if (inUse.normal + inUse.low >= caps.nonHigh) return false;
  return lane === 'normal' || inUse.low < caps.low;
}

export interface Waiter<T> {
  readonly lane: Lane;
  readonly payload: T;
  /** Arrival order across all lanes (ties between starving heads go to the oldest). */
  readonly seq: number;
  /** Times this waiter was at the head of its lane, allowed to run, and a free connection went elsewhere. */
  bypassed: number;
  /** Removed (granted, timed out or aborted); skipped lazily by the queue. */
  done: boolean;
}

/** A FIFO with O(1) push/shift and lazy removal (timeouts and aborts only mark the waiter done). */
class Fifo<T> {
  private items: (Waiter<T> | undefined)[] = [];
  private head = 0;

  push(waiter: Waiter<T>): void {
    this.items.push(waiter);
  }

  peek(): Waiter<T> | undefined {
    while (this.head < this.items.length && this.items[this.head]!.done) this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return this.items[this.head];
  }

  shift(): Waiter<T> | undefined {
    const first = this.peek();
    if (first) this.items[this.head++] = undefined;
    return first;
  }

  *live(): Iterable<Waiter<T>> {
    for (let i = this.head; i < this.items.length; i++) if (!this.items[i]!.done) yield this.items[i]!;
  }
}

export class LaneQueue<T> {
  private readonly fifos: Record<Lane, Fifo<T>> = { high: new Fifo(), normal: new Fifo(), low: new Fifo() };
  private readonly counts: LaneCounts = zeroCounts();
  private seq = 0;

  constructor(private readonly policy: LanePolicy = DEFAULT_LANE_POLICY) {}

  enqueue(lane: Lane, payload: T): Waiter<T> {
    const waiter: Waiter<T> = { lane, payload, seq: this.seq++, bypassed: 0, done: false };
    this.fifos[lane].push(waiter);
    this.counts[lane] += 1;
    return waiter;
  }

  /** Takes a waiter out (timeout, abort). False if it had already left. */
  remove(waiter: Waiter<T>): boolean {
    if (waiter.done) return false;
    waiter.done = true;
    this.counts[waiter.lane] -= 1;
    return true;
  }

  waiting(lane?: Lane): number {
    return lane ? this.counts[lane] : this.counts.high + this.counts.normal + this.counts.low;
  }

  waitingByLane(): LaneCounts {
    return { ...this.counts };
  }

  /** Every waiter still queued, oldest first within each lane (for shutdown). */
  *all(): Iterable<Waiter<T>> {
    for (const lane of LANES) yield* this.fifos[lane].live();
  }

  /**
   * Picks and removes the waiter that gets the next free connection, or undefined when no waiter may take one
   * (nobody waits, or every waiting lane is at its cap). Counts the overtaking of the other lanes' heads.
   */
  next(inUse: LaneCounts, caps: LaneCaps): Waiter<T> | undefined {
    let chosen: Waiter<T> | undefined;
    let starving: Waiter<T> | undefined;
    const heads: Waiter<T>[] = [];
    for (const lane of LANES) {
      if (this.counts[lane] === 0 || !laneMayTake(lane, inUse, caps)) continue;
      const head = this.fifos[lane].peek();
      if (!head) continue;
      heads.push(head);
      chosen ??= head;
      if (head.bypassed >= this.policy.starvationBound && (!starving || head.seq < starving.seq)) starving = head;
    }
    chosen = starving ?? chosen;
    if (!chosen) return undefined;
    for (const head of heads) if (head !== chosen) head.bypassed += 1;
    this.fifos[chosen.lane].shift();
    this.remove(chosen);
    return chosen;
  }

  /**
   * May a caller of `lane` join a connection its lane already holds (pipelining) while others wait? Not while a
   * caller of its own lane or of a higher lane waits: they came first or rank first, and while callers join, the
   * lane's shared connections never drain and come back to them. Past a lower lane's head waiter, yes, as a free
   * connection would go to this lane first; but only where that waiter could have had the connection this lane
   * gives back (its cap allows it), and each join counts as overtaking it, so that once it has been overtaken
   * `starvationBound` times nobody joins until it has a connection (the shared ones drain, and `next` picks it).
   * Counted even if no shared connection then has room for the caller (it queues instead): the bound only gets
   * stricter. Allocates nothing: called for each pipelined query while anyone waits.
   */
  mayJoin(lane: Lane, inUse: LaneCounts, caps: LaneCaps): boolean {
    const rank = lane === 'high' ? 0 : lane === 'normal' ? 1 : 2;
    for (let i = 0; i <= rank; i++) if (this.counts[LANES[i]!] > 0) return false;
    for (let i = rank + 1; i < LANES.length; i++) {
      const head = this.overtakable(LANES[i]!, lane, inUse, caps);
      if (head && head.bypassed >= this.policy.starvationBound) return false;
    }
    for (let i = rank + 1; i < LANES.length; i++) {
      const head = this.overtakable(LANES[i]!, lane, inUse, caps);
      if (head) head.bypassed += 1;
    }
    return true;
  }

  /** The head waiter of `waiting` if it could take the connection `joining` would give back, given its cap. */
  private overtakable(waiting: Lane, joining: Lane, inUse: LaneCounts, caps: LaneCaps): Waiter<T> | undefined {
    if (this.counts[waiting] === 0) return undefined;
    // `waiting` ranks below `joining`: it is normal or low, and `joining` high or normal (under the non-high cap).
    const nonHighAfter = inUse.normal + inUse.low - (joining === 'normal' ? 1 : 0);
    const allowed = nonHighAfter < caps.nonHigh && (waiting === 'normal' || inUse.low < caps.low);
    return allowed ? this.fifos[waiting].peek() : undefined;
  }

  /** How many of the waiters could start if enough connections were free (decides how many to open). */
  startable(inUse: LaneCounts, caps: LaneCaps): number {
    const room = Math.max(0, caps.nonHigh - inUse.normal - inUse.low);
    const lowRoom = Math.max(0, Math.min(room, caps.low - inUse.low));
    const nonHigh = Math.min(room, this.counts.normal + Math.min(this.counts.low, lowRoom));
    return this.counts.high + nonHigh;
  }
}
