import { describe, expect, it } from 'vitest';
import { probeTemplates } from '../../../main/engine/workload-sql-probe.ts';
import { PoolError } from '../../../main/pool/pool-errors.ts';
import type { Lane } from '../../../main/pool/lanes.ts';

const TEMPLATES = [{ name: 'by_id', sql: 'SELECT 1 WHERE $1::int > 0' }];
const PARAMS = [() => [1]];

/** A pool that records the lane of each query and answers with `answer`. */
function fakePool(answer: () => Promise<unknown>) {
  const lanes: Lane[] = [];
  return {
    lanes,
    pool: {
      query: async (lane: Lane) => {
        lanes.push(lane);
        return answer();
      },
    } as never,
  };
}

describe('probeTemplates', () => {
  it("plans on the high lane, ahead of the running workload's backlog", async () => {
    const { pool, lanes } = fakePool(async () => ({ rows: [] }));
    await probeTemplates(pool, 'p', TEMPLATES, PARAMS);
    expect(lanes).toEqual(['high']);
  });

  it('an SQL error says the template does not run on this database', async () => {
    const sqlError = Object.assign(new Error('column "no_such_column" does not exist'), { code: '42703' });
    const { pool } = fakePool(async () => {
      throw sqlError;
    });
    await expect(probeTemplates(pool, 'p', TEMPLATES, PARAMS)).rejects.toMatchObject({
      code: 'workload-sql-failed',
      message: expect.stringMatching(/by_id.*does not run on this database.*no_such_column/s),
    });
  });

  it.each([
    ['no connection in time', new PoolError('acquire-timeout', 'Timed out after 10000 ms waiting for a connection on lane high.', 'h')],
    [
      'a plan past the limit',
      new PoolError('cancelled', "The query ran longer than the caller's limit of 10000 ms and was cancelled on the server.", 'h'),
    ],
  ])('a timeout (%s) is worded as one: the template could not be checked, not that it does not run', async (_what, error) => {
    const { pool } = fakePool(async () => {
      throw error;
    });
    const refused = await probeTemplates(pool, 'p', TEMPLATES, PARAMS).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'workload-probe-timeout', message: expect.stringContaining('by_id') });
    expect((refused as Error).message).not.toContain('does not run on this database');
    expect((refused as { hint: string }).hint).toMatch(/again/);
  });
});
