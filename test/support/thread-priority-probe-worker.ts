/** Worker for the thread-priority test: lowers its own priority and reports what the kernel says. */
import { getPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { currentThreadId, lowerThisThreadPriority } from '../../main/util/thread-priority.ts';

const lowered = lowerThisThreadPriority(17);
const tid = currentThreadId();
parentPort!.postMessage({
  lowered,
  tid,
  threadPriority: tid === null ? null : getPriority(tid),
  processPriority: getPriority(process.pid),
});
