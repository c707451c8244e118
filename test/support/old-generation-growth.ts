import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// V8's own collector, callable from here: `minor` collects the young generation only, as the scavenger does.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void;

function oldSpaceUsed(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_used_size;
}

/**
 * Bytes the old generation grew by while `work` ran and two young-generation collections followed: what `work` left
 * there (allocated there, or promoted by being reachable at both collections). Objects `work` made and dropped cost
 * nothing unless something old kept them. Starts from a full collection, so earlier garbage does not count.
 */
export async function oldGenerationGrowth(work: () => Promise<void> | void): Promise<number> {
  gc({ type: 'major' });
  const before = oldSpaceUsed();
  await work();
  // Out of the task that ran `work`: nothing of it is on the stack any more.
  await new Promise((resolve) => setImmediate(resolve));
  gc({ type: 'minor' });
  gc({ type: 'minor' });
  return oldSpaceUsed() - before;
}
