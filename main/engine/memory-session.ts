import os from 'node:os';
import type { Registry } from 'prom-client';
import { ContractError } from '../contract/api.ts';
import type { MemoryActionPayload, MemoryInterval, MemoryStatusPayload } from '../contract/memory.ts';
import {
  BackgroundGate,
  type ReclaimableCache,
  defaultMemoryBudget,
  formatBytes,
  budgetBelowRest,
  MemoryManager,
  registerMemoryMetrics,
  type MemoryAction,
  type MemorySnapshot,
  ResourceSampler,
  type ChildProcess,
} from '../memory/index.ts';
import { poolManagerReclaimer, tieredCacheReclaimer } from './memory-reclaimers.ts';
import type { PoolManager } from '../pool/index.ts';
import type { CacheSession } from './cache-session.ts';

export interface MemorySessionOptions {
  /** Bytes; default from the machine (see defaultMemoryBudget). */
  budgetBytes?: number;
  cache(): CacheSession | null;
  pool(): PoolManager | null;
  /** The plan selector's thread of the connected stack, whose caches aggressive pressure drops. */
  planner?(): { releaseCaches(): Promise<number> } | null;
  log(level: 'info' | 'warn', message: string): void;
  registry: Registry;
}

/**
 * The engine's memory manager for the whole process: it samples resources every 2 s, and under pressure shrinks
 * whichever cache and pool the connected stack has now (looked up at each step, so a reconnect needs no rewiring),
 * and pauses low-priority work through `background` (warming waits on it).
 */
export class MemorySession {
  readonly background = new BackgroundGate();
  readonly manager: MemoryManager;
  private readonly sampler = new ResourceSampler();
  private latest: MemorySnapshot | null = null;
  /** The RSS at rest: at start, then after each connect (with that stack's pools, threads and WebAssembly). */
  private resting: { rssBytes: number; where: string };
  /** A budget the operator chose is refused under the resting need; the derived default is only warned about. */
  private readonly budgetGiven: boolean;

  constructor(private readonly options: MemorySessionOptions) {
    this.budgetGiven = options.budgetBytes !== undefined;
    this.resting = { rssBytes: process.memoryUsage().rss, where: 'before connecting to any stack' };
    if (options.budgetBytes !== undefined) {
      try {
        this.refuseBelowRest(options.budgetBytes);
      } catch (error) {
        this.sampler.close();
        throw error;
      }
    }
    // One adapter per cache session, made when the connected stack's session changes (not at every reading).
    let adapted: { session: CacheSession; reclaimer: ReclaimableCache } | null = null;
    const currentCache = (): ReclaimableCache | null => {
      const session = options.cache();
      if (!session) return null;
      if (adapted?.session !== session)
        adapted = { session, reclaimer: tieredCacheReclaimer(session.cache, () => session.configuredL1Bytes) };
      return adapted.reclaimer;
    };
    const cache: ReclaimableCache = {
      l1Bytes: () => currentCache()?.l1Bytes() ?? 0,
      l1MaxBytes: () => currentCache()?.l1MaxBytes() ?? 0,
      l1ConfiguredBytes: () => currentCache()?.l1ConfiguredBytes() ?? 0,
      resizeL1: (bytes) => currentCache()?.resizeL1(bytes),
      purgeExpiredL1: () => currentCache()?.purgeExpiredL1() ?? 0,
      flushL1: async () => (await currentCache()?.flushL1()) ?? 0,
    };
    this.manager = new MemoryManager({
      budgetBytes: options.budgetBytes ?? defaultMemoryBudget(os.totalmem()),
      sampler: this.sampler,
      cache,
      pool: poolManagerReclaimer(options.pool),
      planner: { releaseCaches: async () => (await options.planner?.()?.releaseCaches()) ?? 0 },
      background: this.background,
      // Every automatic action is logged with its reason (the manager writes the sentence).
      log: (level, message) => options.log(level, message),
    });
    registerMemoryMetrics(options.registry, this.manager);
    this.manager.start();
  }

  /**
   * Measures the RSS at rest with the stack just connected (before any workload) and refuses a budget given
   * below what that needs, with the numbers: the caller undoes the connect. A derived default is kept, with a warning.
   */
  checkBudgetAtRest(): void {
    this.resting = { rssBytes: process.memoryUsage().rss, where: 'with this stack' };
    const budget = this.manager.budgetBytes;
    if (this.budgetGiven) {
      this.refuseBelowRest(budget);
      return;
    }
    const refusal = budgetBelowRest(budget, this.resting.rssBytes, this.resting.where);
    if (refusal)
      this.options.log('warn', `memory: the default budget (${formatBytes(budget)}) is tight: ${refusal.message} ${refusal.hint}`);
  }

  /** The operator's new budget, refused under the latest resting need. */
  setBudget(bytes: number): void {
    this.refuseBelowRest(bytes);
    this.manager.setBudget(bytes);
  }

  private refuseBelowRest(budget: number): void {
    const refusal = budgetBelowRest(budget, this.resting.rssBytes, this.resting.where);
    if (refusal) throw new ContractError('memory-budget-too-small', refusal.message, refusal.hint);
  }

  /** The local stack's servers, so their memory and CPU show beside ours (Linux; elsewhere they read as null). */
  setChildren(children: ChildProcess[]): void {
    this.sampler.setChildren(children);
  }

  /** The telemetry section: the latest reading, with the actions taken since the previous call. */
  interval(): MemoryInterval | null {
    const snapshot = this.manager.snapshot();
    this.latest = snapshot;
    const reading = snapshot.reading;
    if (!reading || snapshot.usage === null) return null;
    return {
      process: {
        rssBytes: reading.process.rssBytes,
        heapUsedBytes: reading.process.heapUsedBytes,
        heapLimitBytes: reading.process.heapLimitBytes,
        externalBytes: reading.process.externalBytes,
        arrayBuffersBytes: reading.process.arrayBuffersBytes,
        cpuPercent: reading.process.cpuPercent,
      },
      eventLoop: {
        delayP50Ms: reading.eventLoop.delayP50Ms,
        delayP99Ms: reading.eventLoop.delayP99Ms,
        utilization: Math.min(1, Math.max(0, reading.eventLoop.utilization)),
      },
      machine: {
        totalBytes: reading.machine.totalBytes,
        availableBytes: reading.machine.availableBytes,
        cpuLoadPercent: reading.machine.cpuLoadPercent,
        cores: reading.machine.cores,
      },
      children: reading.children.map((c) => ({ name: c.name, rssBytes: c.rssBytes, cpuPercent: c.cpuPercent })),
      level: snapshot.level,
      usage: snapshot.usage,
      usageSource: snapshot.usageSource ?? 'budget',
      budgetBytes: snapshot.budgetBytes,
      l1Bytes: snapshot.l1?.bytes ?? null,
      actions: snapshot.newActions.map(toActionPayload),
    };
  }

  status(): MemoryStatusPayload {
    const status = this.manager.status();
    return {
      level: status.level,
      usage: status.usage,
      budgetBytes: status.budgetBytes,
      paused: status.paused,
      backgroundPaused: status.backgroundPaused,
      cleanups: status.cleanups,
      actions: this.manager.actions().slice(-50).map(toActionPayload),
      gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
    };
  }

  async stop(): Promise<void> {
    this.background.resume();
    await this.manager.stop();
    this.sampler.close();
  }
}

export function toActionPayload(action: MemoryAction): MemoryActionPayload {
  return {
    at: action.at,
    level: action.level,
    kind: action.kind,
    trigger: action.trigger,
    reason: action.reason,
    steps: action.steps.map((s) => ({
      step: s.step,
      status: s.status,
      freedBytes: s.freedBytes,
      freedHeapBytes: s.freedHeapBytes,
      tookMs: s.tookMs,
      detail: s.detail,
    })),
  };
}
