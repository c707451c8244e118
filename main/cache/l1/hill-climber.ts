/**
 * Hill climbing on the hit rate, as modern Caffeine adapts its admission window.
 * After each sample of requests it compares the sample's hit rate with the previous one:
 * if the last move helped, keep moving the same way, otherwise turn around. Steps decay
 * (×0.98) while the hit rate is stable, and restart at full size (6.25% of the capacity)
 * when the hit rate jumps by 5 points or more, i.e. when the workload changed.
 */
const STEP_PERCENT = 0.0625;
const STEP_DECAY = 0.98;
/**
 * Ours, not Caffeine's: a change smaller than half a point is within the noise of one sample
 * (bursty traces), and reacting to it made the window random-walk (orm-busy @ 500: 67.6% → 68.5%).
 */
const MIN_CHANGE = 0.005;
const RESTART_THRESHOLD = 0.05;

export class HillClimber {
  private hits = 0;
  private misses = 0;
  private previousHitRate = 0;
  private stepSize: number;

  /**
   * @param maximum the capacity the window share is taken from (bytes or entries)
   * @param sampleSize requests per sample (Caffeine: 10 × the entry capacity)
   */
  constructor(
    private maximum: number,
    public sampleSize: number,
  ) {
    // Caffeine starts by shrinking the window; the first sample decides the direction anyway.
    this.stepSize = -STEP_PERCENT * maximum;
  }

  setMaximum(maximum: number): void {
    this.stepSize = (this.stepSize / Math.max(1, this.maximum)) * maximum;
    this.maximum = maximum;
  }

  /** Counts a hit; true when a sample is complete and `adjustment()` should be asked. */
  recordHit(): boolean {
    return ++this.hits + this.misses >= this.sampleSize;
  }

  /** Counts a miss; true when a sample is complete. */
  recordMiss(): boolean {
    return this.hits + ++this.misses >= this.sampleSize;
  }

  /**
   * Returns 0 while a sample is being collected, else the signed change of the window's
   * maximum (positive: grow the window, take from the main area).
   */
  adjustment(): number {
    const total = this.hits + this.misses;
    if (total < this.sampleSize) return 0;
    const hitRate = this.hits / total;
    const change = hitRate - this.previousHitRate;
    if (Math.abs(change) < MIN_CHANGE) {
      // Hold: no move, and the next sample is compared with the last one that moved.
      this.hits = 0;
      this.misses = 0;
      return 0;
    }
    const amount = change >= 0 ? this.stepSize : -this.stepSize;
    this.stepSize =
      Math.abs(change) >= RESTART_THRESHOLD ? STEP_PERCENT * this.maximum * Math.sign(amount || 1) : STEP_DECAY * amount;
    this.previousHitRate = hitRate;
    this.hits = 0;
    this.misses = 0;
    return amount;
  }

  reset(): void {
    this.hits = 0;
    this.misses = 0;
    this.previousHitRate = 0;
    this.stepSize = -STEP_PERCENT * this.maximum;
  }
}
