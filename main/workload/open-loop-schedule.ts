import type { Random } from '../util/random.ts';

export type ArrivalProcess = 'uniform' | 'poisson';

/**
 * The send schedule of an open-loop workload: intended start times (ms on the
 * `performance.now()` clock) that depend only on the rate, never on how fast earlier
 * requests came back. Latency is measured from these times, so a stall shows up in
 * the percentiles instead of silently slowing the sender (coordinated omission).
 *
 * Times are precomputed a block at a time; a rate change starts a new block at the
 * next intended time, so the schedule stays continuous.
 */
export class OpenLoopSchedule {
  private readonly block: Float64Array;
  private index = 0;
  private filled = 0;
  private lastTime: number;
  private gapMs: number;

  constructor(
    rate: number,
    startAt: number,
    private readonly arrival: ArrivalProcess,
    private readonly random: Random,
    blockSize = 1024,
  ) {
    this.gapMs = gapFor(rate);
    this.block = new Float64Array(blockSize);
    // The first request is due at startAt itself.
    this.lastTime = startAt - this.gapMs;
    this.refill();
  }

  /** The next intended start time, without consuming it. */
  peek(): number {
    return this.block[this.index]!;
  }

  /** Consumes and returns the next intended start time. */
  next(): number {
    const at = this.block[this.index]!;
    this.index += 1;
    if (this.index === this.filled) this.refill();
    return at;
  }

  get rate(): number {
    return 1000 / this.gapMs;
  }

  setRate(rate: number): void {
    this.gapMs = gapFor(rate);
    // Keep the next already-due time, replan everything after it with the new gap.
    this.lastTime = this.peek();
    this.block[0] = this.lastTime;
    this.index = 0;
    this.fillFrom(1);
  }

  private refill(): void {
    this.index = 0;
    this.fillFrom(0);
  }

  private fillFrom(start: number): void {
    for (let i = start; i < this.block.length; i += 1) {
      this.lastTime += this.arrival === 'uniform' ? this.gapMs : -Math.log(1 - this.random()) * this.gapMs;
      this.block[i] = this.lastTime;
    }
    this.filled = this.block.length;
  }
}

function gapFor(rate: number): number {
  if (!Number.isFinite(rate) || rate <= 0)
    throw new Error(`The target rate must be a positive number of requests per second, got ${rate}.`);
  return 1000 / rate;
}
