import { describe, expect, it, vi } from 'vitest';
import { dispatchCommand, type CommandHandlers } from '../../../main/contract/command-dispatcher.ts';
import { eventSchemas } from '../../../main/contract/events.ts';
import { SloJudge } from '../../../main/slo/index.ts';
import { second } from '../slo/slo-fixtures.ts';

describe('the SLO commands and event', () => {
  it('take a window of 1, 5 or 15 minutes only', async () => {
    const setWindow = vi.fn().mockResolvedValue('ok');
    const handlers = { 'slo.setWindow': setWindow } as unknown as CommandHandlers;
    await expect(dispatchCommand(handlers, 'slo.setWindow', { windowSeconds: 300 })).resolves.toBe('ok');
    expect(setWindow).toHaveBeenCalledWith({ windowSeconds: 300 });
    for (const bad of [{ windowSeconds: 120 }, { windowSeconds: '60' }, {}, { windowSeconds: 60, extra: 1 }]) {
      await expect(dispatchCommand(handlers, 'slo.setWindow', bad)).rejects.toMatchObject({ code: 'bad-request' });
    }
  });

  it("carry the judge's report as the schema describes it, waiting, failed or passed", () => {
    const judge = new SloJudge();
    expect(eventSchemas['slo.report'].parse(judge.report())).toEqual(judge.report());
    for (let n = 1; n <= 60; n++) judge.record(second(n, { shed: n === 7 ? 3 : 0 }));
    const report = judge.report();
    expect(eventSchemas['slo.report'].parse(report)).toEqual(report);
    expect(report.metrics.find((m) => m.id === 'throughput')?.worst?.note).toBe('3 requests shed');
  });
});
