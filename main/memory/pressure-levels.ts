/**
 * Memory pressure as three levels with hysteresis. Usage is the larger of two shares: the engine's RSS of its
 * budget, and the machine's used memory (total − available) of its total, since a desktop app should give
 * memory back when the machine runs short even if it is within its own budget. Stepping up is immediate (a
 * process about to be killed cannot wait); stepping down needs the usage under a lower exit line for several
 * consecutive readings, so a reading that hovers around a threshold cannot make the level flap. Pure and
 * deterministic: readings in, level out, no clock.
 */
import { formatBytes } from './memory-budget.ts';

export type PressureLevel = 'normal' | 'moderate' | 'aggressive';

export const PRESSURE_LEVELS: readonly PressureLevel[] = ['normal', 'moderate', 'aggressive'];

export interface PressureInput {
  rssBytes: number;
  budgetBytes: number;
  machineAvailableBytes: number;
  machineTotalBytes: number;
}

export interface PressureThresholds {
  /** Usage at or above which moderate starts (default 0.85, the seed's). */
  moderateEnter: number;
  /** Usage at or above which aggressive starts (default 0.90). */
  aggressiveEnter: number;
  /** Aggressive is left only below this (default 0.85). */
  aggressiveExit: number;
  /** Moderate is left only below this (default 0.80). */
  moderateExit: number;
  /** Consecutive readings under the exit line before stepping down (default 5: 10 s at the default 2 s interval). */
  stepDownReadings: number;
}

export const DEFAULT_THRESHOLDS: PressureThresholds = {
  moderateEnter: 0.85,
  aggressiveEnter: 0.9,
  aggressiveExit: 0.85,
  moderateExit: 0.8,
  stepDownReadings: 5,
};

export interface PressureEvaluation {
  level: PressureLevel;
  previous: PressureLevel;
  changed: boolean;
  /** max(budgetShare, machineShare). */
  usage: number;
  budgetShare: number;
  machineShare: number;
  /** Which share decided: the engine's budget or the machine's memory. */
  source: 'budget' | 'machine';
  /** The numbers behind the usage, for logs: "RSS 612 MiB is 91% of the 672 MiB budget". */
  reason: string;
}

export class PressureLevels {
  private current: PressureLevel = 'normal';
  /** Consecutive readings below the current level's exit line. */
  private calmReadings = 0;
  private readonly thresholds: PressureThresholds;

  constructor(thresholds: Partial<PressureThresholds> = {}) {
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...thresholds };
    const t = this.thresholds;
    if (!(
      t.moderateExit < t.moderateEnter &&
      t.aggressiveExit < t.aggressiveEnter &&
      t.moderateEnter <= t.aggressiveEnter &&
      t.moderateExit <= t.aggressiveExit
    )) {
      throw new RangeError("PressureLevels: each exit line must be below its entry line, and moderate's lines at or below aggressive's.");
    }
    if (!(Number.isSafeInteger(t.stepDownReadings) && t.stepDownReadings >= 1))
      throw new RangeError('PressureLevels: stepDownReadings must be an integer ≥ 1.');
  }

  get level(): PressureLevel {
    return this.current;
  }

  /** The usage a level is entered at (normal: 0). */
  enterLine(level: PressureLevel): number {
    return level === 'aggressive' ? this.thresholds.aggressiveEnter : level === 'moderate' ? this.thresholds.moderateEnter : 0;
  }

  /** The usage a level is left below (normal: 0). */
  exitLine(level: PressureLevel): number {
    return level === 'aggressive' ? this.thresholds.aggressiveExit : level === 'moderate' ? this.thresholds.moderateExit : 0;
  }

  evaluate(input: PressureInput): PressureEvaluation {
    const budgetShare = input.budgetBytes > 0 ? input.rssBytes / input.budgetBytes : 0;
    const machineShare = input.machineTotalBytes > 0 ? Math.max(0, 1 - input.machineAvailableBytes / input.machineTotalBytes) : 0;
    const usage = Math.max(budgetShare, machineShare);
    const previous = this.current;
    const next = this.next(usage);
    this.current = next;
    const source = budgetShare >= machineShare ? 'budget' : 'machine';
    return {
      level: next,
      previous,
      changed: next !== previous,
      usage,
      budgetShare,
      machineShare,
      source,
      reason: describeUsage(input, source),
    };
  }

  private next(usage: number): PressureLevel {
    const t = this.thresholds;
    const entered: PressureLevel = usage >= t.aggressiveEnter ? 'aggressive' : usage >= t.moderateEnter ? 'moderate' : 'normal';
    if (rank(entered) > rank(this.current)) {
      this.calmReadings = 0;
      return entered;
    }
    if (this.current === 'normal') return 'normal';
    const exitLine = this.current === 'aggressive' ? t.aggressiveExit : t.moderateExit;
    if (usage >= exitLine) {
      this.calmReadings = 0;
      return this.current;
    }
    this.calmReadings += 1;
    if (this.calmReadings < t.stepDownReadings) return this.current;
    this.calmReadings = 0;
    // Down to where the usage now sits: from aggressive straight to normal when it is already under moderate's exit.
    if (this.current === 'aggressive' && usage >= t.moderateExit) return 'moderate';
    return 'normal';
  }
}

function rank(level: PressureLevel): number {
  return PRESSURE_LEVELS.indexOf(level);
}

/** The decisive share in words, with its numbers. */
export function describeUsage(input: PressureInput, source: 'budget' | 'machine'): string {
  if (source === 'budget') {
    return `RSS ${formatBytes(input.rssBytes)} is ${percent(input.rssBytes / input.budgetBytes)} of the ${formatBytes(input.budgetBytes)} budget`;
  }
  const used = input.machineTotalBytes - input.machineAvailableBytes;
  return `the machine has ${formatBytes(input.machineAvailableBytes)} available of ${formatBytes(input.machineTotalBytes)} (${percent(used / input.machineTotalBytes)} used)`;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
