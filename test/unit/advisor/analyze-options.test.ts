import { describe, expect, it } from 'vitest';
import { analyzeWorkload } from '../../../main/advisor/analyze-workload.ts';

describe('analyzeWorkload options', () => {
  it('refuses a storage budget that is not a positive whole number of bytes, before connecting anywhere', async () => {
    for (const budgetBytes of [Number.NaN, 0, -1, 1.5, Infinity]) {
      await expect(analyzeWorkload({ pg: { host: 'nowhere.invalid' }, budgetBytes })).rejects.toThrow(
        /budgetBytes must be a positive whole number of bytes/,
      );
    }
  });
});
