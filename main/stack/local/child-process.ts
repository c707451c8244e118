import type { ChildProcess } from 'node:child_process';

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Stops a server we spawned, escalating through `steps` (signal, then how long to wait
 * for the exit before the next one), and resolves once the process is gone.
 */
export async function stopChild(child: ChildProcess, steps: readonly (readonly [NodeJS.Signals, number])[]): Promise<void> {
  // No pid: the spawn itself failed, there is nothing to stop.
  if (child.pid === undefined || hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const [signal, waitMs] of steps) {
    if (hasExited(child)) return;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
    ]);
    clearTimeout(timer);
    if (done) return;
  }
}
