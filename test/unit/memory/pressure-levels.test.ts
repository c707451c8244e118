import { describe, expect, it } from 'vitest';
import { PressureLevels, type PressureInput, type PressureLevel } from '../../../main/memory/pressure-levels.ts';

const MiB = 1024 * 1024;
const BUDGET = 1000 * MiB;
const MACHINE = 16 * 1024 * MiB;

/** A reading whose RSS is `share` of the 1000 MiB budget, on a machine with plenty available. */
function rss(share: number): PressureInput {
  return { rssBytes: share * BUDGET, budgetBytes: BUDGET, machineAvailableBytes: MACHINE * 0.8, machineTotalBytes: MACHINE };
}

function run(levels: PressureLevels, shares: number[]): PressureLevel[] {
  return shares.map((share) => levels.evaluate(rss(share)).level);
}

describe('PressureLevels', () => {
  it('starts normal and steps up at once: moderate at 85%, aggressive at 90%, straight to aggressive from normal', () => {
    expect(run(new PressureLevels(), [0.5, 0.849, 0.85, 0.89, 0.9])).toEqual(['normal', 'normal', 'moderate', 'moderate', 'aggressive']);
    expect(run(new PressureLevels(), [0.5, 0.95])).toEqual(['normal', 'aggressive']);
  });

  it('leaves moderate only below 80%, after 5 consecutive readings there', () => {
    const levels = new PressureLevels();
    expect(run(levels, [0.86, 0.82, 0.81, 0.8])).toEqual(['moderate', 'moderate', 'moderate', 'moderate']); // 80% is not below 80%
    expect(run(levels, [0.79, 0.7, 0.7, 0.7])).toEqual(['moderate', 'moderate', 'moderate', 'moderate']);
    expect(run(levels, [0.7])).toEqual(['normal']);
  });

  it('restarts the count when one reading is back over the exit line', () => {
    const levels = new PressureLevels();
    expect(run(levels, [0.86, 0.7, 0.7, 0.7, 0.7, 0.81, 0.7, 0.7, 0.7, 0.7])).toEqual(Array(10).fill('moderate'));
    expect(run(levels, [0.7])).toEqual(['normal']);
  });

  it('leaves aggressive below 85%: to moderate when usage sits between 80% and 85%, straight to normal below 80%', () => {
    const toModerate = new PressureLevels({ stepDownReadings: 2 });
    expect(run(toModerate, [0.95, 0.84, 0.84])).toEqual(['aggressive', 'aggressive', 'moderate']);
    const toNormal = new PressureLevels({ stepDownReadings: 2 });
    expect(run(toNormal, [0.95, 0.5, 0.5])).toEqual(['aggressive', 'aggressive', 'normal']);
  });

  it('turns flapping input around a threshold into a bounded number of transitions', () => {
    const levels = new PressureLevels();
    // 200 readings alternating 84% / 86% (around moderate's line), then 89% / 91% (around aggressive's).
    const flapping = [
      ...Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 0.84 : 0.86)),
      ...Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 0.89 : 0.91)),
    ];
    let transitions = 0;
    for (const share of flapping) if (levels.evaluate(rss(share)).changed) transitions += 1;
    expect(transitions).toBe(2); // normal → moderate once, moderate → aggressive once
    expect(levels.level).toBe('aggressive');
  });

  it("takes the machine's used share when it is larger than the budget share, and says so", () => {
    const levels = new PressureLevels();
    const evaluation = levels.evaluate({
      rssBytes: 100 * MiB,
      budgetBytes: BUDGET,
      machineAvailableBytes: 1024 * MiB,
      machineTotalBytes: 16 * 1024 * MiB,
    });
    expect(evaluation).toMatchObject({ level: 'aggressive', source: 'machine', changed: true, previous: 'normal' });
    expect(evaluation.machineShare).toBeCloseTo(15 / 16);
    expect(evaluation.reason).toBe('the machine has 1 GiB available of 16 GiB (94% used)');
  });

  it('states the budget share with its numbers', () => {
    const evaluation = new PressureLevels().evaluate({
      rssBytes: 612 * MiB,
      budgetBytes: 672 * MiB,
      machineAvailableBytes: MACHINE,
      machineTotalBytes: MACHINE,
    });
    expect(evaluation.reason).toBe('RSS 612 MiB is 91% of the 672 MiB budget');
    expect(evaluation.source).toBe('budget');
  });

  it('is deterministic: the same readings give the same levels', () => {
    const shares = [0.5, 0.86, 0.92, 0.84, 0.84, 0.84, 0.84, 0.84, 0.79, 0.91, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6];
    expect(run(new PressureLevels(), shares)).toEqual(run(new PressureLevels(), shares));
  });

  it('refuses thresholds without hysteresis', () => {
    expect(() => new PressureLevels({ moderateExit: 0.85 })).toThrow(/exit line must be below/);
    expect(() => new PressureLevels({ stepDownReadings: 0 })).toThrow(/stepDownReadings/);
  });
});
