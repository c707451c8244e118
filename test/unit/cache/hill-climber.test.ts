import { describe, expect, it } from 'vitest';
import { HillClimber } from '../../../main/cache/l1/hill-climber.ts';

function sample(climber: HillClimber, hitRate: number): number {
  let adjustment = 0;
  for (let i = 0; i < 100; i += 1) {
    const complete = i < hitRate * 100 ? climber.recordHit() : climber.recordMiss();
    if (complete) adjustment = climber.adjustment();
  }
  return adjustment;
}

describe('HillClimber', () => {
  it('keeps the direction while the hit rate improves and turns around when it drops', () => {
    const climber = new HillClimber(1000, 100);
    const first = sample(climber, 0.5); // from 0: an improvement, moves by the initial step
    expect(first).toBeCloseTo(-62.5); // starts by shrinking the window, 6.25% of 1000
    const second = sample(climber, 0.6); // better again: same direction, full step (a jump ≥ 5 points restarts)
    expect(second).toBeLessThan(0);
    const third = sample(climber, 0.4); // worse: turn around
    expect(third).toBeGreaterThan(0);
  });

  it('holds still when the change is within the noise (< half a point)', () => {
    const climber = new HillClimber(1000, 1000);
    let adjustment = 0;
    const run = (hits: number) => {
      for (let i = 0; i < 1000; i += 1) {
        const complete = i < hits ? climber.recordHit() : climber.recordMiss();
        if (complete) adjustment = climber.adjustment();
      }
      return adjustment;
    };
    expect(run(500)).not.toBe(0);
    expect(run(503)).toBe(0); // +0.3 points: no move
    expect(run(560)).not.toBe(0);
  });

  it('reports nothing before a sample is complete', () => {
    const climber = new HillClimber(1000, 100);
    for (let i = 0; i < 99; i += 1) expect(climber.recordHit()).toBe(false);
    expect(climber.recordMiss()).toBe(true);
  });
});
