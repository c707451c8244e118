import { describe, expect, it } from 'vitest';
import type { SloReport } from '../../../main/contract/slo.ts';
import { SloJudge } from '../../../main/slo/index.ts';
import { formatClock } from '../../../renderer/format/units.ts';
import { describeSaturation } from '../../../renderer/slo/saturation.ts';
import { sloTileViews, type SloTileView } from '../../../renderer/slo/slo-tile-view.ts';
import { second, type SecondShape } from '../slo/slo-fixtures.ts';
import { templateStats, workloadInterval } from './fixtures.ts';

/** The engine's report after `seconds` seconds shaped by `shape`. */
function reportAfter(seconds: number, shape: (n: number) => SecondShape = () => ({})): SloReport {
  const judge = new SloJudge();
  for (let n = 1; n <= seconds; n++) judge.record(second(n, shape(n)));
  return judge.report();
}

const tile = (report: SloReport, id: string): SloTileView => sloTileViews(report).find((t) => t.id === id)!;

describe("SLO tile views (of the engine's report)", () => {
  it("show nothing before the first report, then every target in the seed's order", () => {
    expect(sloTileViews(null)).toEqual([]);
    expect(sloTileViews(reportAfter(1)).map((t) => t.id)).toEqual([
      'p50',
      'p95',
      'p99',
      'throughput',
      'cache-hit-rate',
      'pool-efficiency',
      'memory',
      'cpu',
    ]);
  });

  it('say how much of the window is in while waiting, with the newest value and the worst second so far', () => {
    const view = tile(
      reportAfter(23, (n) => ({ p99: n === 5 ? 60 : 20 })),
      'p99',
    );
    expect(view).toMatchObject({ label: 'p99 latency', target: '< 100 ms', verdict: 'waiting', progress: '23 of 60 s', secondsIn: 23 });
    expect(view.value).toBe('20 ms');
    expect(view.worst).toBe(`worst 60 ms at ${formatClock(5_000)}`);
  });

  it('pass a full window and fail one with a failed second, saying why a second failed beyond its value', () => {
    expect(tile(reportAfter(60), 'throughput')).toMatchObject({ verdict: 'pass', value: '12,000 req/s' });
    const shed = tile(
      reportAfter(10, (n) => ({ shed: n === 4 ? 120 : 0 })),
      'throughput',
    );
    expect(shed).toMatchObject({ verdict: 'fail', worst: `worst 12,000 req/s at ${formatClock(4_000)} (120 requests shed)` });
  });

  it('round shares toward the passing side, so a value never reads as the goal beside its Pass', () => {
    expect(
      tile(
        reportAfter(1, () => ({ memory: 0.79996 })),
        'memory',
      ).value,
    ).toBe('79.9%');
    expect(
      tile(
        reportAfter(1, () => ({ memory: 0.8 })),
        'memory',
      ).value,
    ).toBe('80%');
    expect(
      tile(
        reportAfter(1, () => ({ cpuPercent: 69.96 })),
        'cpu',
      ).value,
    ).toBe('69.9%');
    expect(
      tile(
        reportAfter(1, () => ({ hitRate: 0.80004 })),
        'cache-hit-rate',
      ).value,
    ).toBe('80.1%');
    expect(
      tile(
        reportAfter(1, () => ({ efficiency: 0.6 })),
        'pool-efficiency',
      ),
    ).toMatchObject({ value: '60%', verdict: 'fail' });
  });

  it("show the window's mean beside the worst second for CPU and memory, which are judged on it", () => {
    // 50% a second, 90% every tenth: the mean is 54%, under the 70% goal, though six seconds were above it.
    const cpu = tile(
      reportAfter(60, (n) => ({ cpuPercent: n % 10 === 0 ? 90 : 50 })),
      'cpu',
    );
    expect(cpu).toMatchObject({ verdict: 'pass', value: '90%', worst: `mean 54%, worst 90% at ${formatClock(60_000)}` });
    expect(tile(reportAfter(60), 'p95').worst).not.toContain('mean');
  });

  it('have no value for a second that measured nothing, and no worst before a judged one', () => {
    const idle = tile(
      reportAfter(3, () => ({ cpuPercent: null })),
      'cpu',
    );
    expect(idle).toMatchObject({ verdict: 'waiting', value: null, worst: null });
    expect(
      tile(
        reportAfter(3, () => ({ workload: false })),
        'p50',
      ),
    ).toMatchObject({ value: null, worst: null, secondsIn: 0 });
  });
});

describe('saturation', () => {
  it('is silent while the target is met', () => {
    expect(describeSaturation(workloadInterval(1))).toBeNull();
    expect(describeSaturation(null)).toBeNull();
  });

  it('says what was achieved against the target, the backlog, and shed requests', () => {
    const text = describeSaturation(
      workloadInterval(1, {
        saturated: true,
        targetRate: 5000,
        achievedRate: 3000,
        inFlight: 9000,
        templates: [templateStats('all', { shed: 120 })],
      }),
    );
    expect(text).toContain('Target not met: 3,000 req/s completed of 5,000 req/s asked (60%)');
    expect(text).toContain('9,000 requests waiting');
    expect(text).toContain('120 requests shed');
  });
});
