/**
 * The engine's memory budget: what its RSS should stay under. By default derived from the machine; set with
 * `--memory-budget 512MiB` (or any value parseMemoryBudget accepts).
 */

import { parseByteSize } from '../util/byte-size.ts';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/**
 * The default's share of the machine's memory. A desktop app shares the machine with the user's own programs
 * (browser, IDE) and, with a local stack, with PostgreSQL and Redis, which need memory of their own for their
 * caches; a quarter leaves the rest to them.
 */
export const DEFAULT_BUDGET_SHARE = 0.25;
/**
 * The default's ceiling: the engine's working set is the L1 (128 MiB by default) plus the workload's
 * histograms and pools, well under 1 GiB; 2 GiB leaves room for a larger L1 without letting a big machine
 * hand the engine memory it would only fill with cache. It also stays below V8's default heap limit on
 * 64-bit builds (about 2 to 4 GiB), so the budget, not the heap limit, is what is met first.
 */
export const DEFAULT_BUDGET_MAX = 2 * GIB;
/** The default's floor: below this the engine's own baseline (its RSS at rest: docs/measurements.md) leaves no room for a cache. */
export const DEFAULT_BUDGET_MIN = 256 * MIB;
/** The smallest budget accepted from the user: anything less is under the engine's baseline and only causes constant cleanup. */
export const MIN_BUDGET_BYTES = 64 * MIB;

/**
 * min(2 GiB, max(256 MiB, 25% of the machine's memory)), and never more than half the machine (a 256 MiB
 * floor on a 384 MiB machine would be most of it).
 */
export function defaultMemoryBudget(machineTotalBytes: number): number {
  if (!(machineTotalBytes > 0)) throw new RangeError(`defaultMemoryBudget: machine memory must be > 0 bytes; got ${machineTotalBytes}.`);
  const derived = Math.min(DEFAULT_BUDGET_MAX, Math.max(DEFAULT_BUDGET_MIN, machineTotalBytes * DEFAULT_BUDGET_SHARE));
  return Math.floor(Math.min(derived, machineTotalBytes / 2));
}

/** A budget the user gave that cannot be used; `message` says what is wrong, `hint` what to write instead. */
export class MemoryBudgetError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'MemoryBudgetError';
  }
}

const HINT = 'Write a number of bytes, or a number with a unit: 512MiB, 2GiB, 1.5GB (KiB/MiB/GiB are powers of 1024, KB/MB/GB of 1000).';

export interface ParseBudgetOptions {
  /** When given, a budget above the machine's memory is refused (it could never be reached, so it would never act). */
  machineTotalBytes?: number;
}

/** Parses "536870912", "512MiB", "512 mib", "2GB", "1.5G" into bytes; throws MemoryBudgetError on anything else. */
export function parseMemoryBudget(text: string, options: ParseBudgetOptions = {}): number {
  const trimmed = text.trim();
  if (trimmed === '') throw new MemoryBudgetError('The memory budget is empty.', HINT);
  const size = parseByteSize(trimmed);
  if ('problem' in size) {
    if (size.problem === 'unknown-unit')
      throw new MemoryBudgetError(`The memory budget "${text}" has an unknown unit "${size.unit}".`, HINT);
    if (size.problem === 'too-large') throw new MemoryBudgetError(`The memory budget "${text}" is too large to be a byte count.`, HINT);
    const why = size.problem === 'negative' ? 'it is negative' : 'it is not a number with an optional unit';
    throw new MemoryBudgetError(`The memory budget "${text}" cannot be read: ${why}.`, HINT);
  }
  const { bytes } = size;
  if (bytes < MIN_BUDGET_BYTES) {
    throw new MemoryBudgetError(
      `The memory budget "${text}" (${formatBytes(bytes)}) is below the minimum of ${formatBytes(MIN_BUDGET_BYTES)}: the engine alone needs more, so it would clean up all the time.`,
      'Give at least 64MiB; 256MiB or more leaves room for the cache.',
    );
  }
  const total = options.machineTotalBytes;
  if (total !== undefined && bytes > total) {
    throw new MemoryBudgetError(
      `The memory budget "${text}" (${formatBytes(bytes)}) is more than this machine's memory (${formatBytes(total)}), so it would never be reached.`,
      `Give at most ${formatBytes(total)}, or leave it out to use the default (${formatBytes(defaultMemoryBudget(total))} here).`,
    );
  }
  return bytes;
}

/** "1.5 GiB", "640 MiB", "12 KiB", "900 B": binary units, at most one decimal. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  for (const unit of ['B', 'KiB', 'MiB', 'GiB']) {
    if (value < 1024 || unit === 'GiB') return `${sign}${unit === 'B' ? value.toFixed(0) : trimZero(value.toFixed(1))} ${unit}`;
    value /= 1024;
  }
  return `${sign}${value} B`; // not reached
}

function trimZero(text: string): string {
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}
