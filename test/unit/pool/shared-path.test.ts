import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Connection } from '../../../main/pool/connection.ts';
import type { Lane } from '../../../main/pool/lanes.ts';
import type { PipelineEligibility } from '../../../main/pool/pipeline-eligibility.ts';
import { SharedPath, type SharedPathHost } from '../../../main/pool/shared-path.ts';

/** A connection whose pg client has only what pipelining touches: the pipeline flag, the socket's cork, the statement maps. */
function fakeConnection(): Connection {
  const client = {
    pipeline: false,
    connection: { stream: { cork: () => undefined, uncork: () => undefined }, parsedStatements: {}, submittedNamedStatements: {} },
  };
  const connection = new Connection(client as unknown as pg.Client, 0, Infinity);
  connection.generation = 0;
  return connection;
}

/** A pool with one connection, a clock the test sets, and statements the test answers one by one. */
function fakePool() {
  const connection = fakeConnection();
  const pool = {
    now: 0,
    answers: [] as ((result: pg.QueryResult) => void)[],
    givenBack: 0,
  };
  const host: SharedPathHost = {
    clock: () => pool.now,
    mayJoin: () => true,
    idleFor: () => false,
    generation: () => 0,
    take: (lane: Lane) => {
      connection.lane = lane;
      connection.state = 'active';
      return connection;
    },
    giveBack: () => (pool.givenBack += 1),
  };
  const runner = { execute: () => new Promise<pg.QueryResult>((resolve) => pool.answers.push(resolve)) };
  const path = new SharedPath(host, runner, {} as PipelineEligibility, { pipelineDepth: 16, cores: 1 });
  return { pool, path, connection };
}

const result = (n: number): pg.QueryResult => ({ rows: [{ n }] }) as unknown as pg.QueryResult;
const lookup = { name: 'lookup', text: 'SELECT $1::int AS n' };

describe('SharedPath.timedQuery', () => {
  it("counts the time a query spent behind others on its connection as waiting, not as the server's", async () => {
    const { pool, path, connection } = fakePool();
    // Both asked at 0 and sent at once; the first answered at 5 ms, the second at 7 ms: the server took 2 ms for it.
    const first = path.timedQuery('normal', { ...lookup, values: [1] }, 0);
    const second = path.timedQuery('normal', { ...lookup, values: [2] }, 0);
    expect(connection.inFlight).toBe(2); // the second joined the first's connection
    pool.now = 5;
    pool.answers[0]!(result(1));
    expect(await first).toEqual({ result: result(1), acquireUs: 0, serverUs: 5_000 });
    pool.now = 7;
    pool.answers[1]!(result(2));
    expect(await second).toEqual({ result: result(2), acquireUs: 5_000, serverUs: 2_000 });
    expect(pool.givenBack).toBe(1);
  });

  it('times from its own send a query that joined after the result ahead of it had come back', async () => {
    const { pool, path } = fakePool();
    const first = path.timedQuery('normal', { ...lookup, values: [1] }, 0);
    const second = path.timedQuery('normal', { ...lookup, values: [2] }, 0);
    pool.now = 2;
    pool.answers[0]!(result(1));
    await first;
    // The second is still in flight, so this one joins; nothing it waits for is ahead of it any more but the second.
    pool.now = 3;
    const third = path.timedQuery('normal', { ...lookup, values: [3] }, 3);
    pool.now = 4;
    pool.answers[1]!(result(2));
    expect(await second).toMatchObject({ acquireUs: 2_000, serverUs: 2_000 });
    pool.now = 9;
    pool.answers[2]!(result(3));
    // Behind the second from 3 to 4 ms (waiting), then the server's from 4 to 9 ms.
    expect(await third).toMatchObject({ acquireUs: 1_000, serverUs: 5_000 });
  });
});
