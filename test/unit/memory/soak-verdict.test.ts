import { describe, expect, it } from 'vitest';
import { leastSquaresSlope, soakVerdict } from '../../../app/cli/bench/soak-bench.ts';

/** Samples every 5 s for `minutes`, RSS = base + slope × minutes + a GC-like sawtooth of ±20 MiB. */
function series(minutes: number, base: number, slopePerMinute: number) {
  return Array.from({ length: (minutes * 60) / 5 }, (_, i) => {
    const t = i * 5;
    const sawtooth = ((i % 6) - 2.5) * 8;
    return { t, rssMiB: base + (slopePerMinute * t) / 60 + sawtooth, heapUsedMiB: 50 };
  });
}

describe('soak verdict', () => {
  it('fits a least-squares slope', () => {
    expect(
      leastSquaresSlope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toBeCloseTo(2);
    expect(() => leastSquaresSlope([{ x: 0, y: 1 }])).toThrow(/2 points/);
  });

  it('calls a sawtooth around a level line flat, and a steady climb growing', () => {
    expect(soakVerdict(series(10, 200, 0))).toMatchObject({ verdict: 'flat', toleranceMiBPerMinute: 2 });
    const growing = soakVerdict(series(10, 200, 5));
    expect(growing.verdict).toBe('growing');
    expect(growing.slopeMiBPerMinute).toBeCloseTo(5, 0);
    expect(soakVerdict(series(10, 400, -8)).verdict).toBe('falling');
  });

  it('scales the tolerance with the process: 1% of the mean RSS per minute when that is above 2 MiB', () => {
    expect(soakVerdict(series(10, 1000, 0)).toleranceMiBPerMinute).toBeCloseTo(10, 0);
  });
});
