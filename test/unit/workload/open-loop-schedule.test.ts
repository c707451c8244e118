import { describe, expect, it } from 'vitest';
import { OpenLoopSchedule } from '../../../main/workload/open-loop-schedule.ts';
import { seededRandom } from '../../../main/util/random.ts';

describe('OpenLoopSchedule', () => {
  it('spaces uniform arrivals exactly 1/rate apart across block boundaries', () => {
    const schedule = new OpenLoopSchedule(1000, 0, 'uniform', seededRandom(1), 16);
    const times = Array.from({ length: 50 }, () => schedule.next());
    times.forEach((t, i) => expect(t).toBeCloseTo(i, 9));
  });

  it('gives Poisson arrivals whose mean gap is 1/rate', () => {
    const schedule = new OpenLoopSchedule(500, 0, 'poisson', seededRandom(7));
    let last = 0;
    for (let i = 0; i < 20_000; i += 1) last = schedule.next();
    expect(last / 20_000).toBeCloseTo(2, 1);
  });

  it('changes the gap from the next request on', () => {
    const schedule = new OpenLoopSchedule(100, 0, 'uniform', seededRandom(1));
    expect(schedule.next()).toBe(0);
    expect(schedule.next()).toBeCloseTo(10);
    schedule.setRate(1000);
    expect(schedule.next()).toBeCloseTo(20);
    expect(schedule.next()).toBeCloseTo(21);
    expect(schedule.rate).toBeCloseTo(1000);
  });

  it('rejects a rate that is not a positive number', () => {
    expect(() => new OpenLoopSchedule(0, 0, 'uniform', seededRandom(1))).toThrow(/positive number/);
    expect(() => new OpenLoopSchedule(Number.NaN, 0, 'uniform', seededRandom(1))).toThrow(/positive number/);
  });
});
