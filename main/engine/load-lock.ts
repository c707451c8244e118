import { ContractError } from '../contract/api.ts';

/**
 * Work that drives or measures the workload's load, one at a time: a capacity search's ramp would distort
 * Optimize's before/after, and Optimize's index builds would fail the ramp's steps. The second caller gets `busy`,
 * naming what runs.
 */
export class LoadLock {
  private holder: string | null = null;

  async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.holder !== null) {
      throw new ContractError('busy', `${this.holder} is running.`, 'Wait for it to finish (or cancel it), then try again.');
    }
    this.holder = what;
    try {
      return await work();
    } finally {
      this.holder = null;
    }
  }
}
