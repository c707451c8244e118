import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerRequests } from '../../../main/util/worker-requests.ts';

/** Doubles `x`, answering out of order when asked to wait; never answers `x` = 0. */
const ECHO = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.x === 0) return;
  setTimeout(() => parentPort.postMessage({ id: m.id, value: m.x * 2 }), m.waitMs ?? 0);
});`;

describe('WorkerRequests', () => {
  let worker: Worker | null = null;
  afterEach(async () => {
    await worker?.terminate();
    worker = null;
  });

  function start(): WorkerRequests {
    worker = new Worker(ECHO, { eval: true });
    const requests = new WorkerRequests(worker);
    worker.on('message', (reply: { id: number; value: number }) => requests.settle(reply.id, { ok: true, value: reply.value }));
    return requests;
  }

  it('resolves each request with the reply that carries its id, whatever order the replies come in', async () => {
    const requests = start();
    const slow = requests.send<number>({ x: 5, waitMs: 50 });
    const fast = requests.send<number>({ x: 7 });
    expect(await Promise.all([slow, fast])).toEqual([10, 14]);
  });

  it('rejects a request whose reply says it failed, and everything still waiting on failAll', async () => {
    const requests = start();
    const never = requests.send<number>({ x: 0 });
    const alsoNever = requests.send<number>({ x: 0 });
    requests.settle(2, { ok: false, error: new Error('no such thing') });
    await expect(alsoNever).rejects.toThrow('no such thing');
    requests.failAll(new Error('the worker died'));
    await expect(never).rejects.toThrow('the worker died');
    // A late reply for a settled id changes nothing.
    requests.settle(1, { ok: true, value: 1 });
  });
});
