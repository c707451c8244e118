import { describe, expect, it } from 'vitest';
import { turnOffPretenuring } from '../../../main/engine/pretenuring.ts';
import { oldGenerationGrowth } from '../../support/old-generation-growth.ts';

/** One allocation site, as a result's rows are (`pg` makes every row at one place). */
function row(i: number): string[] {
  return [String(i), 'text'];
}

describe('turnOffPretenuring', () => {
  it('keeps a site allocating young after young-generation collections found all its objects alive', async () => {
    turnOffPretenuring();
    // What V8 saw while `pg` read large results: every object of the site alive at each young collection.
    await oldGenerationGrowth(() => {
      const alive: string[][] = [];
      for (let i = 0; i < 200_000; i++) alive.push(row(i));
    });
    await oldGenerationGrowth(() => {
      const alive: string[][] = [];
      for (let i = 0; i < 200_000; i++) alive.push(row(i));
    });
    // Rows made and dropped at once: born old (pretenured), they would stay in the old generation.
    const rows = 100_000;
    const grown = await oldGenerationGrowth(() => {
      for (let i = 0; i < rows; i++) row(i);
    });
    expect(grown).toBeLessThan(rows * 4);
  });
});
