/**
 * One reading of the resources the memory manager and the telemetry care about: this process (memory, heap,
 * event loop, CPU), the machine (memory, CPU load) and, for a local stack, the PostgreSQL and Redis processes.
 * Node's own counters are read on every sample (they are cheap); the machine's memory (systeminformation) and CPU
 * load (the cores' counters, machine-cpu.ts) are refreshed at most every `machineCacheMs`, and systeminformation is
 * never waited on longer than `machineTimeoutMs` (on some systems it shells out), so a sample never stalls the manager.
 */
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventLoopUtilization, IntervalHistogram } from 'node:perf_hooks';
import v8 from 'node:v8';
import si from 'systeminformation';
import { cpuTimesNow, loadPercentBetween, type CpuTimes } from './machine-cpu.ts';
import { readProcessUsage } from './process-tree.ts';

export interface ProcessReading {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** V8's heap ceiling (heap_size_limit): past it the process dies with "JavaScript heap out of memory". */
  heapLimitBytes: number;
  /** Memory of C++ objects bound to JS objects (Buffers' backing stores among them). */
  externalBytes: number;
  arrayBuffersBytes: number;
  /** CPU time (user + system) over wall time since the previous sample, top-style: 100 = one core busy, up to cores × 100. */
  cpuPercent: number;
}

export interface EventLoopReading {
  /** Event-loop delay percentiles since the previous sample, in ms (0 when nothing was measured yet). */
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** Share of the time since the previous sample the loop was busy, 0..1. */
  utilization: number;
}

export interface MachineReading {
  totalBytes: number;
  /** Memory the kernel can give without swapping (MemAvailable on Linux), not just "free". */
  availableBytes: number;
  /** Whole-machine CPU load, 0..100 (all cores together), between the last two refreshes; null before the second. */
  cpuLoadPercent: number | null;
  cores: number;
  /** When systeminformation last answered (epoch ms); the figures are that old at most. */
  readAt: number;
}

export type ChildName = 'postgres' | 'redis';

export interface ChildProcess {
  name: ChildName;
  pid: number;
}

export interface ChildReading extends ChildProcess {
  /** Null when the process is gone, not readable, or this is not Linux. */
  rssBytes: number | null;
  /** Share of one core, top-style, since the previous sample; null on the first sample or when unreadable. */
  cpuPercent: number | null;
  /** Processes summed (PostgreSQL: the postmaster and its backends). */
  processes: number;
}

export interface ResourceReading {
  /** Epoch ms. */
  at: number;
  process: ProcessReading;
  eventLoop: EventLoopReading;
  machine: MachineReading;
  children: ChildReading[];
}

/** What the memory manager needs from a sampler (a fake in unit tests). */
export interface ResourceSource {
  sample(): Promise<ResourceReading>;
}

export interface ResourceSamplerOptions {
  /** Processes of the local stack to follow; can be changed later with setChildren. */
  children?: ChildProcess[];
  /** How long machine figures are reused, in ms (default 5,000). */
  machineCacheMs?: number;
  /** How long a systeminformation call is waited for before the previous (or os module) figures are used (default 1,500). */
  machineTimeoutMs?: number;
  clock?: () => number;
}

const NS_PER_MS = 1e6;

export class ResourceSampler implements ResourceSource {
  private readonly delay: IntervalHistogram;
  private elu: EventLoopUtilization;
  private cpu = process.cpuUsage();
  private cpuAt: number;
  private machine: MachineReading;
  private machineRefresh: Promise<void> | null = null;
  private children: ChildProcess[];
  private readonly childCpu = new Map<number, { cpuMs: number; at: number }>();
  private readonly clock: () => number;
  private readonly cores = Math.max(1, os.availableParallelism());
  /** The cores' time counters at the previous machine refresh, for the load between two refreshes. */
  private cpuTimes: CpuTimes | null = null;

  constructor(private readonly options: ResourceSamplerOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.children = options.children ?? [];
    // 20 ms resolution: fine enough to see a stalled loop, coarse enough to cost nothing.
    this.delay = monitorEventLoopDelay({ resolution: 20 });
    this.delay.enable();
    this.elu = performance.eventLoopUtilization();
    this.cpuAt = performance.now();
    // Until systeminformation answers, the os module's figures (os.freemem is MemAvailable on recent libuv).
    this.machine = { totalBytes: os.totalmem(), availableBytes: os.freemem(), cpuLoadPercent: null, cores: this.cores, readAt: 0 };
  }

  setChildren(children: ChildProcess[]): void {
    this.children = children;
    for (const pid of this.childCpu.keys()) if (!children.some((c) => c.pid === pid)) this.childCpu.delete(pid);
  }

  async sample(): Promise<ResourceReading> {
    const [machine, children] = await Promise.all([this.machineReading(), this.childReadings()]);
    return { at: this.clock(), process: this.processReading(), eventLoop: this.eventLoopReading(), machine, children };
  }

  /** Stops the event-loop delay histogram (it holds a timer). */
  close(): void {
    this.delay.disable();
  }

  private processReading(): ProcessReading {
    const memory = process.memoryUsage();
    const now = performance.now();
    const used = process.cpuUsage(this.cpu);
    const wallMs = now - this.cpuAt;
    this.cpu = process.cpuUsage();
    this.cpuAt = now;
    return {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      heapLimitBytes: v8.getHeapStatistics().heap_size_limit,
      externalBytes: memory.external,
      arrayBuffersBytes: memory.arrayBuffers,
      cpuPercent: wallMs > 0 ? ((used.user + used.system) / 1000 / wallMs) * 100 : 0,
    };
  }

  private eventLoopReading(): EventLoopReading {
    const measured = this.delay.count > 0;
    const reading = {
      delayP50Ms: measured ? this.delay.percentile(50) / NS_PER_MS : 0,
      delayP99Ms: measured ? this.delay.percentile(99) / NS_PER_MS : 0,
      delayMaxMs: measured ? this.delay.max / NS_PER_MS : 0,
      utilization: 0,
    };
    this.delay.reset();
    const now = performance.eventLoopUtilization();
    reading.utilization = performance.eventLoopUtilization(now, this.elu).utilization;
    this.elu = now;
    return reading;
  }

  /** The cached machine figures, refreshed in the background-bounded way described at the top. */
  private async machineReading(): Promise<MachineReading> {
    const cacheMs = this.options.machineCacheMs ?? 5_000;
    // A refresh still running from an earlier sample is not waited for again: its figures arrive for a later one.
    if (this.clock() - this.machine.readAt >= cacheMs && this.machineRefresh === null) {
      this.machineRefresh = this.refreshMachine().finally(() => {
        this.machineRefresh = null;
      });
      const timeoutMs = this.options.machineTimeoutMs ?? 1_500;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([this.machineRefresh, timeout]);
      clearTimeout(timer);
    }
    return { ...this.machine };
  }

  private async refreshMachine(): Promise<void> {
    try {
      const mem = await si.mem();
      const cpuTimes = cpuTimesNow();
      const load = this.cpuTimes === null ? null : loadPercentBetween(this.cpuTimes, cpuTimes);
      this.cpuTimes = cpuTimes;
      this.machine = {
        totalBytes: mem.total,
        availableBytes: mem.available,
        // Over the time since the previous refresh (≥ machineCacheMs): null on the first.
        cpuLoadPercent: load ?? this.machine.cpuLoadPercent,
        cores: this.cores,
        readAt: this.clock(),
      };
    } catch {
      // systeminformation failed: fall back to the os module rather than report nothing.
      this.machine = { ...this.machine, totalBytes: os.totalmem(), availableBytes: os.freemem(), readAt: this.clock() };
    }
  }

  private async childReadings(): Promise<ChildReading[]> {
    return await Promise.all(
      this.children.map(async ({ name, pid }): Promise<ChildReading> => {
        // PostgreSQL is a process per connection: its backends are children of the postmaster.
        const usage = await readProcessUsage(pid, name === 'postgres');
        if (!usage) {
          this.childCpu.delete(pid);
          return { name, pid, rssBytes: null, cpuPercent: null, processes: 0 };
        }
        const now = performance.now();
        const before = this.childCpu.get(pid);
        this.childCpu.set(pid, { cpuMs: usage.cpuMs, at: now });
        // A backend that exited takes its CPU time with it: a negative delta is shown as 0, not as negative load.
        const cpuPercent = before && now > before.at ? Math.max(0, ((usage.cpuMs - before.cpuMs) / (now - before.at)) * 100) : null;
        return { name, pid, rssBytes: usage.rssBytes, cpuPercent, processes: usage.processes };
      }),
    );
  }
}
