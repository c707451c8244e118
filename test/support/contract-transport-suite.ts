import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineApi } from '../../main/contract/api.ts';
import type { EventName, EventPayload } from '../../main/contract/events.ts';

/** One transport, connected end to end to a real Engine that is not connected to any database. */
export interface ConnectedTransport {
  api: EngineApi;
  /** Which host the engine was created for (it reports it in engine.status). */
  host: 'electron' | 'headless';
  /** Closes the transport and stops the engine. */
  close(): Promise<void>;
}

/** Resolves with the next payload of `event` (the engine ticks once a second). */
function nextEvent<E extends EventName>(
  api: EngineApi,
  event: E,
  accept: (payload: EventPayload<E>) => boolean = () => true,
): Promise<EventPayload<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${event} event arrived within 10 s`));
    }, 10_000);
    const off = api.subscribe(event, (payload) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/**
 * The contract's behaviour, identical whatever carries it: each transport (the WebSocket of
 * the headless server, Electron IPC through the preload) runs these same cases. Only commands
 * that work without a database are used, so the suite needs no server.
 */
export function contractTransportSuite(name: string, connect: () => Promise<ConnectedTransport>): void {
  describe(`the contract over ${name}`, () => {
    let transport: ConnectedTransport;

    beforeAll(async () => {
      transport = await connect();
    });
    afterAll(async () => {
      await transport?.close();
    });

    it('answers engine.status: disconnected, no stack, no workload, and which host it runs in', async () => {
      const status = await transport.api.call('engine.status', {});
      expect(status).toMatchObject({
        phase: 'disconnected',
        stack: null,
        host: transport.host,
        workload: { running: false, profile: null },
        error: null,
      });
    });

    it('rejects bad parameters with bad-request naming the field', async () => {
      await expect(transport.api.call('workload.setRate', { rate: -1 })).rejects.toMatchObject({
        code: 'bad-request',
        message: expect.stringContaining('rate'),
      });
      await expect(transport.api.call('stack.connect', {} as never)).rejects.toMatchObject({
        code: 'bad-request',
        message: expect.stringContaining('pgUrl'),
      });
      await expect(transport.api.call('telemetry.history', { seconds: 'all' } as never)).rejects.toMatchObject({
        code: 'bad-request',
        message: expect.stringContaining('seconds'),
      });
    });

    it('rejects an unknown command with unknown-command and a hint listing the known ones', async () => {
      await expect(transport.api.call('engine.explode' as never, {} as never)).rejects.toMatchObject({
        code: 'unknown-command',
        message: expect.stringContaining('engine.explode'),
        hint: expect.stringContaining('engine.status'),
      });
    });

    it('refuses workload.start before a stack is connected, with not-connected and what to do', async () => {
      await expect(transport.api.call('workload.start', { profile: 'demo' })).rejects.toMatchObject({
        code: 'not-connected',
        hint: expect.stringMatching(/connect/i),
      });
    });

    it('errors arrive as errors with a message, not as results', async () => {
      const error = await transport.api.call('workload.setRate', { rate: -1 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/Invalid parameters for workload\.setRate/);
    });

    it('pushes a telemetry.snapshot every tick, and telemetry.history returns those snapshots', async () => {
      const first = await nextEvent(transport.api, 'telemetry.snapshot');
      const second = await nextEvent(transport.api, 'telemetry.snapshot', (s) => s.at > first.at);
      // Disconnected: no workload, cache or pool; the memory manager watches the process either way.
      expect(first).toMatchObject({ at: expect.any(Number), workload: null, cache: null, pool: null });
      expect(second.memory === null || second.memory.process.rssBytes > 0).toBe(true);
      expect(second.at).toBeGreaterThan(first.at);
      const history = await transport.api.call('telemetry.history', { seconds: 900 });
      expect(Array.isArray(history)).toBe(true);
      expect(history.map((s) => s.at)).toEqual(expect.arrayContaining([first.at, second.at]));
    });

    it('judges the success metrics: slo.status, an slo.report every tick, and slo.setWindow for every client', async () => {
      const status = await transport.api.call('slo.status', {});
      expect(status.windowSeconds).toBe(60);
      expect(status.metrics.map((m) => m.id)).toEqual([
        'p50',
        'p95',
        'p99',
        'throughput',
        'cache-hit-rate',
        'pool-efficiency',
        'memory',
        'cpu',
      ]);
      // Disconnected: nothing of the workload to judge; memory and CPU are judged either way.
      const report = await nextEvent(transport.api, 'slo.report', (r) => r.at !== null && r.at > (status.at ?? 0));
      expect(report.metrics.find((m) => m.id === 'p99')).toMatchObject({ verdict: 'waiting', secondsIn: 0, current: null });
      const changed = nextEvent(transport.api, 'slo.report', (r) => r.windowSeconds === 300);
      expect(await transport.api.call('slo.setWindow', { windowSeconds: 300 })).toMatchObject({ windowSeconds: 300 });
      expect((await changed).windowSeconds).toBe(300);
      await expect(transport.api.call('slo.setWindow', { windowSeconds: 120 } as never)).rejects.toMatchObject({
        code: 'bad-request',
        message: expect.stringContaining('windowSeconds'),
      });
      await transport.api.call('slo.setWindow', { windowSeconds: 60 });
    });

    it('stops delivering an event to a handler once it unsubscribed, and keeps the others', async () => {
      const received: number[] = [];
      const off = transport.api.subscribe('telemetry.snapshot', (s) => received.push(s.at));
      const seen = await nextEvent(transport.api, 'telemetry.snapshot');
      off();
      const later = await nextEvent(transport.api, 'telemetry.snapshot', (s) => s.at > seen.at);
      expect(received).toContain(seen.at);
      expect(received).not.toContain(later.at);
    });
  });
}
