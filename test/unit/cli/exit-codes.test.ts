import { describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL, stepsExit } from '../../../app/cli/exit-codes.ts';

describe('stepsExit: the exit code of an applied plan', () => {
  it('is 0 without a summary when every step was done or skipped, or there were none', () => {
    expect(stepsExit([])).toEqual({ code: EXIT_OK, summary: null });
    expect(
      stepsExit([
        { id: 'index:a', status: 'done' },
        { id: 'cache:warm', status: 'skipped' },
      ]),
    ).toEqual({ code: EXIT_OK, summary: null });
  });

  it('is 1 when nothing was done, naming every failed step', () => {
    const exit = stepsExit([
      { id: 'index:a', status: 'failed' },
      { id: 'index:b', status: 'failed' },
    ]);
    expect(exit.code).toBe(EXIT_FAILURE);
    expect(exit.summary).toContain('2 of 2 steps failed');
    expect(exit.summary).toContain('index:a, index:b');
  });

  it('is 2 when some steps were done and others failed or were cancelled', () => {
    const exit = stepsExit([
      { id: 'index:a', status: 'done' },
      { id: 'index:b', status: 'failed' },
      { id: 'cache:warm', status: 'cancelled' },
    ]);
    expect(exit.code).toBe(EXIT_PARTIAL);
    expect(exit.summary).toMatch(/1 of 3 steps failed, 1 of 3 cancelled \(1 done\): index:b, cache:warm/);
  });

  it('counts a plan whose only step was cancelled as a failure', () => {
    expect(stepsExit([{ id: 'index:a', status: 'cancelled' }]).code).toBe(EXIT_FAILURE);
  });
});
