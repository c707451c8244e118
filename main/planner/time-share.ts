/**
 * How long background work must rest after running `busyMs` so that it takes at most `share` of its thread's time
 * over each run and the rest that follows it: busy / (busy + rest) = share. Learning work (oracle samples, model
 * training) is bounded this way rather than per query, so its cost stays a fixed share of a core at any rate.
 */
export function restAfter(busyMs: number, share: number): number {
  if (!(share > 0 && share <= 1)) throw new RangeError(`share must be in (0, 1], got ${share}`);
  return (Math.max(busyMs, 0) * (1 - share)) / share;
}
