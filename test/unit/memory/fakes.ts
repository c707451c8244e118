import type { ReclaimableCache, ReclaimablePool } from '../../../main/memory/cleanup-steps.ts';
import type { ResourceReading, ResourceSource } from '../../../main/memory/resource-sampler.ts';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** An L1 that keeps only numbers: resizing below what it holds evicts down to the new budget. */
export class FakeCache implements ReclaimableCache {
  calls: string[] = [];
  expired = 0;
  constructor(
    public held: number,
    public max: number,
    public configured = max,
  ) {}
  l1Bytes(): number {
    return this.held;
  }
  l1MaxBytes(): number {
    return this.max;
  }
  l1ConfiguredBytes(): number {
    return this.configured;
  }
  resizeL1(bytes: number): void {
    this.calls.push(`resize ${bytes}`);
    this.max = bytes;
    this.held = Math.min(this.held, bytes);
  }
  purgeExpiredL1(): number {
    this.calls.push('purge');
    const removed = this.expired;
    this.expired = 0;
    return removed;
  }
  async flushL1(): Promise<number> {
    this.calls.push('flush');
    const entries = Math.round(this.held / 10_000);
    this.held = 0;
    return entries;
  }
}

export class FakePool implements ReclaimablePool {
  calls: string[] = [];
  constructor(
    public connections: number,
    public readonly min: number,
    public idleAboveMin = 0,
  ) {}
  async trimIdle(): Promise<number> {
    this.calls.push('trim');
    const closed = this.idleAboveMin;
    this.connections -= closed;
    this.idleAboveMin = 0;
    return closed;
  }
  async shrinkToMinimum(): Promise<number> {
    this.calls.push('toMinimum');
    const closed = this.connections - this.min;
    this.connections = this.min;
    return closed;
  }
  async restore(): Promise<void> {
    this.calls.push('restore');
  }
}

/** Readings with the RSS a test sets; the machine has 16 GiB, 12 GiB available unless set. */
export class FakeSampler implements ResourceSource {
  rss = 100 * MiB;
  machineAvailable = 12 * GiB;
  machineTotal = 16 * GiB;
  constructor(private readonly clock: () => number) {}
  async sample(): Promise<ResourceReading> {
    return {
      at: this.clock(),
      process: {
        rssBytes: this.rss,
        heapUsedBytes: this.rss / 2,
        heapTotalBytes: this.rss / 2,
        heapLimitBytes: 4 * GiB,
        externalBytes: 0,
        arrayBuffersBytes: 0,
        cpuPercent: 10,
      },
      eventLoop: { delayP50Ms: 1, delayP99Ms: 2, delayMaxMs: 3, utilization: 0.1 },
      machine: { totalBytes: this.machineTotal, availableBytes: this.machineAvailable, cpuLoadPercent: 20, cores: 2, readAt: this.clock() },
      children: [],
    };
  }
}
