/**
 * What a budget must at least be, and why a budget is not being held. The manager can give back only what it
 * controls (the L1's bytes, idle pool connections, garbage); the rest of the RSS is the engine itself: V8's heaps
 * (the engine's thread and the planner's threads), WebAssembly memories, code, and native buffers. Measured on
 * the demo stack (see ARCHITECTURE.md, "Memory: what the RSS is made of"), that rest is most of the RSS under
 * load, so a budget close to it cannot be held by cleanups however aggressive; the engine says so with the number
 * instead of cleaning up forever.
 */
import { formatBytes, MemoryBudgetError } from './memory-budget.ts';
import { DEFAULT_THRESHOLDS } from './pressure-levels.ts';

const MIB = 1024 * 1024;

/**
 * The smallest budget under which `restingRssBytes` sits below moderate's exit line, so the engine at rest is at
 * normal with room for its cache to start filling: the resting RSS / moderateExit, rounded up to a whole MiB.
 */
export function minimumBudget(restingRssBytes: number, moderateExit = DEFAULT_THRESHOLDS.moderateExit): number {
  if (!(restingRssBytes > 0)) throw new RangeError(`minimumBudget: the resting RSS must be > 0 bytes; got ${restingRssBytes}.`);
  if (!(moderateExit > 0 && moderateExit <= 1)) throw new RangeError(`minimumBudget: moderateExit must be in (0, 1]; got ${moderateExit}.`);
  return Math.ceil(restingRssBytes / moderateExit / MIB) * MIB;
}

/**
 * The refusal of a budget under the engine's resting need, or null when the budget is enough. `where` says what
 * the resting figure covers ("with this stack" after a connect, "before any stack" at start).
 */
export function budgetBelowRest(
  budgetBytes: number,
  restingRssBytes: number,
  where: string,
  moderateExit = DEFAULT_THRESHOLDS.moderateExit,
): MemoryBudgetError | null {
  const minimum = minimumBudget(restingRssBytes, moderateExit);
  if (budgetBytes >= minimum) return null;
  return new MemoryBudgetError(
    `The memory budget ${formatBytes(budgetBytes)} is below what the engine needs: about ${formatBytes(restingRssBytes)} at rest ${where}, ` +
      'before any cache or traffic, and cleanups cannot give back the engine itself.',
    `Give at least ${formatBytes(minimum)} (e.g. --memory-budget ${Math.ceil(minimum / MIB)}MiB), or leave --memory-budget unset.`,
  );
}

/** The parts of one reading, for the line that says where the RSS is. */
export interface RssParts {
  rssBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
}

/**
 * Where the RSS is: the V8 heap of the engine's thread, array buffers, and the rest. External memory is not counted
 * apart from array buffers: WebAssembly reserves its memories there at full size (the SQL parser's reservation is
 * most of it), but only the pages it touches are resident, so the rest is measured as RSS − heap − buffers.
 */
export function describeRss(parts: RssParts): string {
  const rest = Math.max(0, parts.rssBytes - parts.heapTotalBytes - parts.arrayBuffersBytes);
  return (
    `V8 heap of the engine's thread ${formatBytes(parts.heapTotalBytes)}, buffers ${formatBytes(parts.arrayBuffersBytes)}, ` +
    `the rest (the planner's threads, WebAssembly, code, native) ${formatBytes(rest)}`
  );
}

/**
 * Why the budget is not held after the manager took back all it controls, and what would be held: RSS now over the
 * aggressive exit line, so the level could fall, is RSS / aggressiveExit.
 */
export function notHeldReason(
  parts: RssParts,
  budgetBytes: number,
  controlled: string,
  aggressiveExit = DEFAULT_THRESHOLDS.aggressiveExit,
): string {
  const holdable = Math.ceil(parts.rssBytes / aggressiveExit / MIB) * MIB;
  return (
    `memory: the ${formatBytes(budgetBytes)} budget cannot be held under this load: RSS is ${formatBytes(parts.rssBytes)} with what the ` +
    `manager controls already given back (${controlled}). Where it is: ${describeRss(parts)}. ` +
    `Give at least ${formatBytes(holdable)} (--memory-budget ${Math.ceil(holdable / MIB)}MiB) for this load, or lower the request rate.`
  );
}
