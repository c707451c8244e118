import { dedicateCoreToMainThread, type DedicatedCore } from '../../main/util/thread-affinity.ts';

/**
 * `serve` and `bench capacity` give the engine's thread a CPU of its own once the stack runs (after, so that the
 * local stack's PostgreSQL and Redis keep every CPU: a child process starts with its creator's CPUs). Says what was
 * done, or why not, in one line; off with --no-dedicated-core.
 */
export async function takeDedicatedCore(enabled: boolean, say: (line: string) => void): Promise<DedicatedCore | null> {
  if (!enabled) return null;
  const result = await dedicateCoreToMainThread();
  if (result.ok) {
    const { mainCpu, otherCpus } = result.core;
    const others = otherCpus.length === 1 ? `CPU ${otherCpus[0]}` : `CPUs ${otherCpus.join(', ')}`;
    say(`CPU ${mainCpu} is kept for the engine's thread: Hotpath's other threads run on ${others} (--no-dedicated-core: share them).`);
    return result.core;
  }
  // Elsewhere than Linux this is the rule, not news.
  if (process.platform === 'linux') say(`The engine's thread shares the CPUs with Hotpath's other threads: ${result.reason}.`);
  return null;
}
