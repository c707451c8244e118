import type pg from 'pg';
import type { Lane } from './lanes.ts';
import { PoolManager } from './pool-manager.ts';
import type { PoolManagerOptions } from './pool-options.ts';
import type { CallOptions, QueryConfig } from './pooled-connection.ts';
import type { PoolSnapshot } from './pool-metrics.ts';

export interface PoolGroupOptions extends Omit<PoolManagerOptions, 'connection' | 'role'> {
  primary: pg.ClientConfig;
  /** Read replicas; their sessions are read-only at the server. */
  replicas?: pg.ClientConfig[];
  /**
   * Lanes whose reads go to a replica when one is configured. Default normal and low: live traffic (high) reads
   * the primary, so it never sees replication lag; the workload and background reads take load off it.
   */
  replicaLanes?: Lane[];
}

/** One pool per stack role: the primary and each read replica. Reads are spread round-robin over replicas. */
export class PoolGroup {
  private next = 0;

  private constructor(
    readonly primary: PoolManager,
    readonly replicas: PoolManager[],
    private readonly replicaLanes: ReadonlySet<Lane>,
  ) {}

  static async open(options: PoolGroupOptions): Promise<PoolGroup> {
    const { primary, replicas = [], replicaLanes = ['normal', 'low'], ...shared } = options;
    const primaryPool = await PoolManager.open({ ...shared, connection: primary, role: 'primary' });
    const opened: PoolManager[] = [];
    try {
      for (const replica of replicas)
        opened.push(await PoolManager.open({ ...shared, connection: replica, role: 'replica', readOnly: true }));
    } catch (error) {
      await Promise.all([primaryPool, ...opened].map((pool) => pool.close()));
      throw error;
    }
    return new PoolGroup(primaryPool, opened, new Set(replicaLanes));
  }

  /** The pool a read on this lane goes to. */
  forRead(lane: Lane): PoolManager {
    if (this.replicas.length === 0 || !this.replicaLanes.has(lane)) return this.primary;
    this.next = (this.next + 1) % this.replicas.length;
    return this.replicas[this.next]!;
  }

  /** A read (may go to a replica); writes use `primary.query`. */
  read(lane: Lane, query: QueryConfig, options?: CallOptions): Promise<pg.QueryResult> {
    return this.forRead(lane).query(lane, query, options);
  }

  snapshot(): { primary: PoolSnapshot; replicas: PoolSnapshot[] } {
    return { primary: this.primary.snapshot(), replicas: this.replicas.map((pool) => pool.snapshot()) };
  }

  async close(): Promise<void> {
    await Promise.all([this.primary, ...this.replicas].map((pool) => pool.close()));
  }
}
