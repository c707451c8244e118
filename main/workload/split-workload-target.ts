import type { ExecutionTiming, WorkloadTarget } from './workload-target.ts';

/**
 * The runner numbers a profile's templates as one list: its SQL templates first, then its hybrid templates. This
 * target sends each request to the side that serves it, renumbered from 0 on that side.
 */
export class SplitWorkloadTarget implements WorkloadTarget {
  constructor(
    private readonly sql: WorkloadTarget,
    private readonly sqlTemplates: number,
    private readonly hybrid: WorkloadTarget,
  ) {}

  execute(template: number, params: unknown[]): Promise<ExecutionTiming> {
    return template < this.sqlTemplates ? this.sql.execute(template, params) : this.hybrid.execute(template - this.sqlTemplates, params);
  }
}
