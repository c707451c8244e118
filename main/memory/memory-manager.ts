/**
 * The memory manager: reads resources every `intervalMs`, turns each reading into a pressure level and, on
 * entering a level, runs that level's cleanup steps (again at most every `repeatAfterMs` while the level
 * lasts and usage is still over its entry line, so sustained pressure gives a bounded number of actions).
 * What pressure took away comes back once it is gone: background work and the pool at normal, the L1's
 * size after `restoreAfterMs` of normal. Every action is kept in a bounded log with its
 * reason and the measured result of each step, and logged through `log`.
 */
import * as steps from './cleanup-steps.ts';
import type { CleanupStepResult, ReclaimableCache, StepEnvironment } from './cleanup-steps.ts';
import { DEFAULT_L1_TARGETS, l1FloorBytes, moderateL1Target, RestoreCeiling } from './l1-targets.ts';
import type { L1State, L1TargetSettings } from './l1-targets.ts';
import { formatBytes } from './memory-budget.ts';
import { notHeldReason } from './memory-floor.ts';
import { describeAction } from './memory-types.ts';
import type { CleanupLevel, MemoryAction, MemoryManagerOptions, MemorySnapshot, MemoryStatus } from './memory-types.ts';
import { PressureLevels } from './pressure-levels.ts';
import type { PressureEvaluation, PressureLevel } from './pressure-levels.ts';
import type { ResourceReading } from './resource-sampler.ts';

export type { CleanupLevel, MemoryAction, MemoryLogLevel, MemoryManagerOptions, MemorySnapshot, MemoryStatus } from './memory-types.ts';
export { describeAction } from './memory-types.ts';

export class MemoryManager {
  private readonly levels: PressureLevels;
  private readonly clock: () => number;
  private readonly l1Targets: L1TargetSettings;
  private readonly ceiling = new RestoreCeiling();
  private readonly env: StepEnvironment;
  private budget: number;
  private autoPaused: boolean;
  private last: { reading: ResourceReading; evaluation: PressureEvaluation } | null = null;
  private readonly history: MemoryAction[] = [];
  private unreported: MemoryAction[] = [];
  private readonly counts: Record<CleanupLevel, number> = { moderate: 0, aggressive: 0 };
  private readonly lastCleanupAt: Record<CleanupLevel, number> = { moderate: -Infinity, aggressive: -Infinity };
  private normalSince: number | null = null;
  private backgroundPausedByUs = false;
  private poolHeldByUs = false;
  /** An aggressive cleanup ran since the level was last normal; whether the reading after it was still over was said. */
  private aggressiveEpisode: { cleaned: boolean; notHeldSaid: boolean } = { cleaned: false, notHeldSaid: false };
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | null = null;
  /** Actions run one at a time: an operator's cleanup never interleaves with an automatic one. */
  private serial: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: MemoryManagerOptions) {
    if (!(options.budgetBytes > 0)) throw new RangeError(`MemoryManager: budgetBytes must be > 0; got ${options.budgetBytes}.`);
    this.budget = options.budgetBytes;
    this.levels = new PressureLevels(options.thresholds);
    this.clock = options.clock ?? Date.now;
    this.autoPaused = options.autoCleanup === false;
    this.l1Targets = { ...DEFAULT_L1_TARGETS, ...options.l1Targets };
    this.env = options.stepEnvironment ?? {};
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.ticking) return; // a slow reading is never stacked on another
      this.ticking = this.tick()
        .catch((error: unknown) => this.options.log('warn', `memory: reading failed: ${(error as Error).message}`))
        .finally(() => (this.ticking = null));
    }, this.options.intervalMs ?? 2_000);
    this.timer.unref();
  }

  /** Stops reading; background work paused by the manager is resumed, so nothing waits for a manager that is gone. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.run(async () => {
      if (this.backgroundPausedByUs && this.options.background)
        await this.record('normal', 'restore', 'automatic', 'memory manager stopped', [
          await steps.resumeBackground(this.options.background, this.env),
        ]);
      this.backgroundPausedByUs = false;
    });
  }

  /** One reading and what follows from it; start() calls this every intervalMs. */
  async tick(): Promise<PressureEvaluation> {
    const reading = await this.options.sampler.sample();
    return await this.run(async () => {
      const evaluation = this.levels.evaluate({
        rssBytes: reading.process.rssBytes,
        budgetBytes: this.budget,
        machineAvailableBytes: reading.machine.availableBytes,
        machineTotalBytes: reading.machine.totalBytes,
      });
      this.last = { reading, evaluation };
      await this.react(evaluation, reading);
      return evaluation;
    });
  }

  /** The operator's cleanup: runs the level's steps now, whatever the level and even while automatic cleanups are paused. */
  async runCleanup(level: CleanupLevel, reason = 'operator'): Promise<MemoryAction> {
    return await this.run(() => this.cleanup(level, 'operator', reason, this.last?.reading ?? null));
  }

  setBudget(bytes: number): void {
    if (!(bytes > 0)) throw new RangeError(`MemoryManager: the budget must be > 0 bytes; got ${bytes}.`);
    this.budget = bytes;
  }

  get budgetBytes(): number {
    return this.budget;
  }

  /** Pauses automatic cleanups (levels are still evaluated, and what pressure took away still comes back). */
  pause(): void {
    this.autoPaused = true;
  }

  resume(): void {
    this.autoPaused = false;
  }

  /** Every action kept (the newest `logCapacity`), oldest first. */
  actions(): MemoryAction[] {
    return [...this.history];
  }

  /** The snapshot without taking the new actions (for metrics and status displays that read often). */
  status(): MemoryStatus {
    const cache = this.options.cache;
    return {
      reading: this.last?.reading ?? null,
      level: this.levels.level,
      usage: this.last?.evaluation.usage ?? null,
      usageSource: this.last?.evaluation.source ?? null,
      budgetBytes: this.budget,
      paused: this.autoPaused,
      backgroundPaused: this.options.background?.paused ?? false,
      l1: cache ? { bytes: cache.l1Bytes(), maxBytes: cache.l1MaxBytes(), configuredBytes: cache.l1ConfiguredBytes() } : null,
      cleanups: { ...this.counts },
    };
  }

  /** status() plus the actions since the previous snapshot() call (the engine puts each on the timeline once). */
  snapshot(): MemorySnapshot {
    const newActions = this.unreported;
    this.unreported = [];
    return { ...this.status(), newActions };
  }

  private async react(evaluation: PressureEvaluation, reading: ResourceReading): Promise<void> {
    const { level } = evaluation;
    const now = this.clock();
    this.normalSince = level !== 'normal' ? null : (this.normalSince ?? now);
    if (level === 'normal') this.aggressiveEpisode = { cleaned: false, notHeldSaid: false };
    else this.sayIfNotHeld(evaluation, reading);
    if (level !== 'normal' && !this.autoPaused) {
      if (evaluation.usage >= this.levels.enterLine(level) && this.due(level, now)) {
        await this.cleanup(level, 'automatic', `${evaluation.changed ? 'entered' : 'still'} ${level}: ${evaluation.reason}`, reading);
      } else if (level === 'aggressive' && evaluation.changed) {
        await this.holdBackgroundWork(evaluation);
      }
    }
    // Background work and the pool come back at normal only: back and forth around aggressive's line would
    // otherwise resume and pause them on every crossing.
    if (level === 'normal') await this.restoreAfterPressure(evaluation);
    if (level === 'normal' && this.normalSince !== null && now - this.normalSince >= (this.options.restoreAfterMs ?? 60_000))
      await this.restoreL1(evaluation);
  }

  /**
   * Whether a level's steps may run: not if that level's or a stronger cleanup ran within repeatAfterMs (an
   * aggressive cleanup did everything a moderate one does). This is what bounds the actions under pressure
   * that lasts or comes and goes: at most one cleanup per level per repeatAfterMs.
   */
  private due(level: CleanupLevel, now: number): boolean {
    const repeatMs = this.options.repeatAfterMs ?? 30_000;
    const last =
      level === 'moderate' ? Math.max(this.lastCleanupAt.moderate, this.lastCleanupAt.aggressive) : this.lastCleanupAt.aggressive;
    return now - last >= repeatMs;
  }

  /** Aggressive again before its steps may repeat: the cache is still small, but low-priority work must wait again. */
  private async holdBackgroundWork(evaluation: PressureEvaluation): Promise<void> {
    const background = this.options.background;
    if (!background || background.paused) return;
    const reason = `entered aggressive again within ${Math.round((this.options.repeatAfterMs ?? 30_000) / 1000)} s of the last cleanup (its steps are not repeated yet): ${evaluation.reason}`;
    const result = await steps.pauseBackground(background, `aggressive memory pressure: ${evaluation.reason}`, this.env);
    this.backgroundPausedByUs = true;
    this.record('aggressive', 'cleanup', 'automatic', reason, [result]);
  }

  private async cleanup(
    level: CleanupLevel,
    trigger: MemoryAction['trigger'],
    reason: string,
    reading: ResourceReading | null,
  ): Promise<MemoryAction> {
    const { cache, pool, background } = this.options;
    const results: CleanupStepResult[] = [];
    const l1 = cache ? this.l1State(cache) : null;
    if (l1) {
      const lowered = this.ceiling.pressureReturned(l1FloorBytes(l1, this.l1Targets));
      if (lowered !== null) reason += `; pressure came back after the L1 grew, so it will grow back to ${formatBytes(lowered)} at most`;
    }
    if (level === 'moderate') {
      if (cache && l1) {
        results.push(await steps.purgeExpiredL1(cache, this.env));
        results.push(
          await steps.shrinkL1(cache, moderateL1Target(this.l1State(cache), this.l1Targets, this.excessBytes(reading)), this.env),
        );
      }
      if (pool) results.push(await steps.trimPool(pool, this.env));
    } else {
      if (background) {
        results.push(await steps.pauseBackground(background, `aggressive memory pressure: ${reason}`, this.env));
        this.backgroundPausedByUs = true;
      }
      if (cache && l1) results.push(await steps.emptyL1(cache, l1FloorBytes(l1, this.l1Targets), this.env));
      if (this.options.planner) results.push(await steps.releasePlannerCaches(this.options.planner, this.env));
      if (pool) {
        results.push(await steps.poolToMinimum(pool, this.env));
        this.poolHeldByUs = true;
      }
    }
    // Last, so the collection takes what the steps before it let go of.
    results.push(await steps.collectGarbage(this.env));
    if (level === 'aggressive') this.aggressiveEpisode.cleaned = true;
    this.counts[level] += 1;
    this.lastCleanupAt[level] = this.clock();
    return this.record(level, 'cleanup', trigger, trigger === 'operator' ? `operator: ${reason}` : reason, results);
  }

  /**
   * A reading still at aggressive's entry line when the aggressive cleanup is due again, decided by the engine's
   * own RSS: what the manager controls is already given back, and the cleanup had its whole repeat interval to
   * show in the RSS (freed memory reaches the operating system late), so more cleanups cannot hold this budget.
   * Said once per episode (until the level is normal again), with where the RSS is and the budget that would be held.
   */
  private sayIfNotHeld(evaluation: PressureEvaluation, reading: ResourceReading): void {
    const episode = this.aggressiveEpisode;
    if (!episode.cleaned || episode.notHeldSaid || evaluation.source !== 'budget' || evaluation.usage < this.levels.enterLine('aggressive'))
      return;
    if (!this.due('aggressive', this.clock())) return;
    episode.notHeldSaid = true;
    const cache = this.options.cache;
    const controlled = [
      ...(cache ? [`the L1 at ${formatBytes(cache.l1MaxBytes())}, holding ${formatBytes(cache.l1Bytes())}`] : []),
      ...(this.options.pool ? ['the pool at its minimum'] : []),
      ...(this.options.background ? ['background work paused'] : []),
      'garbage collected',
    ].join(', ');
    const p = reading.process;
    this.options.log(
      'warn',
      notHeldReason(
        { rssBytes: p.rssBytes, heapTotalBytes: p.heapTotalBytes, externalBytes: p.externalBytes, arrayBuffersBytes: p.arrayBuffersBytes },
        this.budget,
        controlled,
        this.levels.exitLine('aggressive'),
      ),
    );
  }

  /** RSS above moderate's exit line, when the engine's own RSS is what decides (the machine's share is not ours to fix by this much). */
  private excessBytes(reading: ResourceReading | null): number {
    if (!reading || this.last?.evaluation.source !== 'budget') return 0;
    return reading.process.rssBytes - this.levels.exitLine('moderate') * this.budget;
  }

  private async restoreAfterPressure(evaluation: PressureEvaluation): Promise<void> {
    const { pool, background } = this.options;
    const results: CleanupStepResult[] = [];
    if (this.backgroundPausedByUs && background) results.push(await steps.resumeBackground(background, this.env));
    if (this.poolHeldByUs && pool) results.push(await steps.restorePool(pool, this.env));
    this.backgroundPausedByUs = false;
    this.poolHeldByUs = false;
    if (results.length > 0)
      this.record(evaluation.level, 'restore', 'automatic', `pressure fell to ${evaluation.level}: ${evaluation.reason}`, results);
  }

  private async restoreL1(evaluation: PressureEvaluation): Promise<void> {
    const cache = this.options.cache;
    if (!cache) return;
    const target = this.ceiling.next(cache.l1ConfiguredBytes());
    if (target <= cache.l1MaxBytes()) return;
    const minutes = ((this.options.restoreAfterMs ?? 60_000) / 60_000).toLocaleString('en', { maximumFractionDigits: 1 });
    const result = await steps.restoreL1(cache, target, this.env);
    this.ceiling.restored(target);
    this.record('normal', 'restore', 'automatic', `normal for ${minutes} min: ${evaluation.reason}`, [result]);
  }

  private l1State(cache: ReclaimableCache): L1State {
    return { configuredBytes: cache.l1ConfiguredBytes(), maxBytes: cache.l1MaxBytes(), heldBytes: cache.l1Bytes() };
  }

  private record(
    level: PressureLevel,
    kind: MemoryAction['kind'],
    trigger: MemoryAction['trigger'],
    reason: string,
    results: CleanupStepResult[],
  ): MemoryAction {
    const action: MemoryAction = { at: this.clock(), level, kind, trigger, reason, steps: results };
    const capacity = this.options.logCapacity ?? 200;
    this.history.push(action);
    if (this.history.length > capacity) this.history.shift();
    this.unreported.push(action);
    if (this.unreported.length > capacity) this.unreported.shift();
    this.options.log(kind === 'cleanup' ? 'warn' : 'info', describeAction(action));
    return action;
  }

  private run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.serial.then(work);
    this.serial = next.catch(() => undefined);
    return next;
  }
}
