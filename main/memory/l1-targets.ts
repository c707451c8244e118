/**
 * How far the L1 shrinks under pressure and how far it grows back. Shrinking the budget alone helps only
 * if it stays shrunk: a restore right after would refill the cache and bring the pressure back, so the L1 is
 * held low until pressure has been gone for a while, and a restore that brought pressure back lowers the
 * ceiling of the next one (each round halves it), which bounds the number of shrink/restore cycles.
 */

export interface L1TargetSettings {
  /** Moderate pressure first shrinks the L1's budget to this share of its configured size (default 0.5). */
  moderateShare: number;
  /** Aggressive pressure holds the emptied L1 at this share of its configured size (default 0.05). */
  floorShare: number;
}

export const DEFAULT_L1_TARGETS: L1TargetSettings = { moderateShare: 0.5, floorShare: 0.05 };

export interface L1State {
  configuredBytes: number;
  maxBytes: number;
  heldBytes: number;
}

export function l1FloorBytes(l1: L1State, settings: L1TargetSettings): number {
  return Math.floor(l1.configuredBytes * settings.floorShare);
}

/**
 * The moderate target: the configured size × moderateShare on the first round; when the budget is already
 * at or below that (pressure persisted or came back), half of the current budget. Never below the floor.
 * When the engine's own RSS decides, the target is also low enough to give back the RSS over the exit line
 * (`excessBytes`), assuming the cache's bytes are most of what can be given back.
 */
export function moderateL1Target(l1: L1State, settings: L1TargetSettings, excessBytes: number): number {
  const base = Math.floor(l1.configuredBytes * settings.moderateShare);
  let target = l1.maxBytes > base ? base : Math.floor(l1.maxBytes / 2);
  if (excessBytes > 0) target = Math.min(target, Math.floor(l1.heldBytes - excessBytes));
  return Math.max(l1FloorBytes(l1, settings), target);
}

/** Where a restore may grow the L1: the configured size, unless earlier restores brought pressure back. */
export class RestoreCeiling {
  private ceiling: number | null = null;
  private lastRestoredTo: number | null = null;

  /** The size the next restore goes to. */
  next(configuredBytes: number): number {
    return Math.min(configuredBytes, this.ceiling ?? configuredBytes);
  }

  restored(bytes: number): void {
    this.lastRestoredTo = bytes;
  }

  /**
   * Pressure came back. If a restore happened since the previous pressure, the next restore goes only to
   * half of that size; returns the new ceiling then (for the log), else null.
   */
  pressureReturned(floorBytes: number): number | null {
    if (this.lastRestoredTo === null) return null;
    this.ceiling = Math.max(floorBytes, Math.floor(this.lastRestoredTo / 2));
    this.lastRestoredTo = null;
    return this.ceiling;
  }
}
