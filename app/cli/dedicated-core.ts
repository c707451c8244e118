import { dedicateCoreToMainThread, type DedicatedCore } from '../../main/util/thread-affinity.ts';

/**
 * `serve` and `bench capacity` give the engine's thread a CPU of its own once the stack runs (after, so that the
 * local stack's PostgreSQL and Redis start on every CPU and are then moved to the others with their workers; a
 * browser `serve` opened is left alone). Says what was done, or why not, in one line; off with --no-dedicated-core.
 */
export async function takeDedicatedCore(
  enabled: boolean,
  say: (line: string) => void,
  /** Child processes that are not servers of ours (the browser `serve` opened): they keep every CPU. */
  leaveAlone: readonly number[] = [],
): Promise<DedicatedCore | null> {
  if (!enabled) return null;
  const result = await dedicateCoreToMainThread({ leaveAlone });
  if (result.ok) {
    const { mainCpu, otherCpus, movedChildren } = result.core;
    const others = otherCpus.length === 1 ? `CPU ${otherCpus[0]}` : `CPUs ${otherCpus.join(', ')}`;
    const what = movedChildren > 0 ? "Hotpath's other threads and its local servers" : "Hotpath's other threads";
    say(`CPU ${mainCpu} is kept for the engine's thread: ${what} run on ${others} (--no-dedicated-core: share them).`);
    return result.core;
  }
  // Elsewhere than Linux this is the rule, not news.
  if (process.platform === 'linux') say(`The engine's thread shares the CPUs with Hotpath's other threads: ${result.reason}.`);
  return null;
}
