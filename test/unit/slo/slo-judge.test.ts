import { describe, expect, it } from 'vitest';
import type { SloMetricReport } from '../../../main/contract/slo.ts';
import { SloJudge } from '../../../main/slo/index.ts';
import { second, type SecondShape } from './slo-fixtures.ts';

/** Records seconds `from`..`to` (inclusive) of the given shape. */
function run(judge: SloJudge, from: number, to: number, shape: SecondShape | ((n: number) => SecondShape) = {}): SloJudge {
  for (let n = from; n <= to; n++) judge.record(second(n, typeof shape === 'function' ? shape(n) : shape));
  return judge;
}

const metric = (judge: SloJudge, id: string, window: 60 | 300 | 900 = 60): SloMetricReport =>
  judge.report(window).metrics.find((m) => m.id === id)!;

describe('SloJudge: sustained windows', () => {
  it('waits until the window is full, saying how many seconds are in, then passes when every second passed', () => {
    const judge = run(new SloJudge(), 1, 59);
    expect(metric(judge, 'p99')).toMatchObject({ verdict: 'waiting', secondsIn: 59, passedSeconds: 59, failedSeconds: 0 });
    run(judge, 60, 60);
    expect(metric(judge, 'p99')).toMatchObject({ verdict: 'pass', secondsIn: 60 });
    expect(judge.report().metrics.map((m) => m.verdict)).toEqual(Array(8).fill('pass'));
    expect(judge.report().at).toBe(60_000);
  });

  it('fails as soon as one second fails, keeps failing while that second is in the window, and passes once it left', () => {
    const judge = run(new SloJudge(), 1, 100, (n) => ({ p99: n === 30 ? 250 : 20 }));
    // Seconds 41..100 are the window: the failure at 30 has left it.
    expect(metric(judge, 'p99')).toMatchObject({ verdict: 'pass', worst: { at: 100_000, value: 20, passed: true } });
    const early = run(new SloJudge(), 1, 31, (n) => ({ p99: n === 30 ? 250 : 20 }));
    expect(metric(early, 'p99')).toMatchObject({ verdict: 'fail', secondsIn: 31, failedSeconds: 1, current: { at: 31_000, value: 20 } });
    run(early, 32, 89, { p99: 20 });
    expect(metric(early, 'p99')).toMatchObject({ verdict: 'fail', worst: { at: 30_000, value: 250, passed: false } });
    run(early, 90, 90, { p99: 20 });
    expect(metric(early, 'p99').verdict).toBe('pass');
  });

  it("judges memory and CPU on the window's mean: seconds above the goal fail it only when the mean is above", () => {
    // CPU at 90% one second in five, 50% otherwise: 12 seconds above 70%, a mean of 58%.
    const spiky = run(new SloJudge(), 1, 59, (n) => ({ cpuPercent: n % 5 === 0 ? 90 : 50 }));
    expect(metric(spiky, 'cpu')).toMatchObject({ judgedOn: 'window-mean', verdict: 'waiting', failedSeconds: 11 });
    run(spiky, 60, 60, { cpuPercent: 90 });
    expect(metric(spiky, 'cpu')).toMatchObject({ verdict: 'pass', failedSeconds: 12, worst: { value: 0.9, passed: false } });
    expect(metric(spiky, 'cpu').mean).toBeCloseTo(0.58, 10);
    // Sixteen seconds more at 100% bring the last minute's mean to 69.3%, a seventeenth to 70.2%: fail.
    run(spiky, 61, 76, { cpuPercent: 100 });
    expect(metric(spiky, 'cpu').verdict).toBe('pass');
    run(spiky, 77, 77, { cpuPercent: 100 });
    expect(metric(spiky, 'cpu').verdict).toBe('fail');
    expect(metric(spiky, 'cpu').mean).toBeCloseTo(0.7017, 4);
    // The latencies are still judged each second.
    const latency = run(new SloJudge(), 1, 60, (n) => ({ p99: n === 30 ? 250 : 20 }));
    expect(metric(latency, 'p99')).toMatchObject({ judgedOn: 'each-second', verdict: 'fail' });
  });

  it('reports the worst second: a failed one before any passed one, the farthest from the target in its direction', () => {
    const judge = run(new SloJudge(), 1, 60, (n) => ({ rate: n === 10 ? 30_000 : n === 20 ? 11_000 : 12_000, shed: n === 10 ? 5 : 0 }));
    // The 30,000 req/s second shed requests: it failed, so it is the worst although its rate is the highest.
    expect(metric(judge, 'throughput')).toMatchObject({
      verdict: 'fail',
      worst: { at: 10_000, value: 30_000, passed: false, note: '5 requests shed' },
    });
    const passing = run(new SloJudge(), 1, 60, (n) => ({ rate: n === 20 ? 11_000 : 12_000, p99: n === 40 ? 90 : 20 }));
    expect(metric(passing, 'throughput').worst).toMatchObject({ at: 20_000, value: 11_000 });
    expect(metric(passing, 'p99').worst).toMatchObject({ at: 40_000, value: 90 });
  });

  it('starts the workload metrics anew after a stop or a warm-up; memory and CPU go on', () => {
    const judge = run(new SloJudge(), 1, 70);
    run(judge, 71, 71, { workload: false });
    run(judge, 72, 73, { warmup: true });
    run(judge, 74, 80);
    for (const id of ['p50', 'p95', 'p99', 'throughput', 'cache-hit-rate', 'pool-efficiency']) {
      expect(metric(judge, id), id).toMatchObject({ verdict: 'waiting', secondsIn: 7 });
    }
    expect(metric(judge, 'memory')).toMatchObject({ verdict: 'pass', secondsIn: 60 });
    expect(metric(judge, 'cpu')).toMatchObject({ verdict: 'pass', secondsIn: 60 });
    // Right after a stop, the workload metrics have no current second and nothing in the window.
    const stopped = run(run(new SloJudge(), 1, 5), 6, 6, { workload: false });
    expect(metric(stopped, 'p99')).toMatchObject({ verdict: 'waiting', secondsIn: 0, current: null, worst: null });
  });

  it('goes on through idle seconds, which neither pass nor fail; a window of idle seconds alone waits', () => {
    const judge = run(new SloJudge(), 1, 60, (n) => ({ efficiency: n % 2 ? null : 0.95 }));
    expect(metric(judge, 'pool-efficiency')).toMatchObject({ verdict: 'pass', secondsIn: 60, passedSeconds: 30, failedSeconds: 0 });
    expect(metric(judge, 'pool-efficiency').current).toMatchObject({ at: 60_000, value: 0.95 });
    run(judge, 61, 61, { efficiency: null });
    expect(metric(judge, 'pool-efficiency')).toMatchObject({ verdict: 'pass', current: null });
    const unreadableCpu = run(new SloJudge(), 1, 60, { cpuPercent: null });
    expect(metric(unreadableCpu, 'cpu')).toMatchObject({ verdict: 'waiting', secondsIn: 60, passedSeconds: 0, worst: null });
  });

  it('judges 1, 5 and 15 minutes over the same seconds, keeping 15 minutes and no more', () => {
    const judge = run(new SloJudge(), 1, 1000, (n) => ({ p99: n === 50 || n === 800 ? 300 : 20 }));
    expect(metric(judge, 'p99', 60).verdict).toBe('pass');
    expect(metric(judge, 'p99', 300)).toMatchObject({ verdict: 'fail', secondsIn: 300, worst: { at: 800_000 } });
    // Second 50 fell out of the 900-second ring; second 800 is still in.
    expect(metric(judge, 'p99', 900)).toMatchObject({ verdict: 'fail', secondsIn: 900, failedSeconds: 1 });
    expect(judge.reportEveryWindow().map((r) => r.windowSeconds)).toEqual([60, 300, 900]);
  });

  it('shows the chosen window by default; since a given time, only the seconds after it count', () => {
    const judge = run(new SloJudge(), 1, 400, (n) => ({ p99: n === 200 ? 300 : 20 }));
    expect(judge.report().windowSeconds).toBe(60);
    judge.setWindow(300);
    expect(judge.windowSeconds).toBe(300);
    expect(judge.report()).toMatchObject({ windowSeconds: 300 });
    expect(metric(judge, 'p99', 300).verdict).toBe('fail');
    expect(judge.report(300, { sinceAt: 200_000 }).metrics[2]).toMatchObject({ verdict: 'waiting', secondsIn: 200 });
    expect(judge.report(60, { sinceAt: 200_000 }).metrics[2]).toMatchObject({ verdict: 'pass', secondsIn: 60 });
  });

  it('waits for everything before the first second', () => {
    const report = new SloJudge().report();
    expect(report.at).toBeNull();
    expect(report.metrics.every((m) => m.verdict === 'waiting' && m.secondsIn === 0 && m.current === null)).toBe(true);
  });
});
