import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { HeadlessServer } from '../../../app/server/headless-server.ts';
import type { WsEngineClient } from '../../../renderer/transport/ws-engine-client.ts';
import { startTestHost, type TestHost } from '../../support/test-host.ts';
import type { TelemetrySnapshot } from '../../../main/contract/telemetry.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { expositionProblems, histogramQuantile, histogramSeries, parseExposition } from '../../support/prometheus-text.ts';
import { waitFor } from '../../support/wait-for.ts';

const DEMO_TEMPLATES = [
  'chunk_by_id',
  'graph_neighbours',
  'recent_by_origin',
  'session_timeline',
  'time_range_count',
  'similar_chunks',
  'hybrid_retrieval',
];

describe.each(TEST_SERVERS)('headless host over the contract WebSocket (%s)', (server) => {
  let db: TestDatabase;
  let host: HeadlessServer;
  let client: WsEngineClient;
  let scratch: string;

  let testHost: TestHost;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    testHost = await startTestHost({ workloadSeed: 7 });
    ({ host, client, dataDir: scratch } = testHost);
  });
  afterAll(async () => {
    await testHost?.close();
    await db?.drop();
  });

  it('refuses a WebSocket without the per-launch token', async () => {
    const wrong = new WebSocket(host.wsUrl.replace(/token=.*/, 'token=guess'));
    const status = await new Promise<number>((resolve) => wrong.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);
  });

  it('answers /healthz with 503 until a stack is connected', async () => {
    const res = await fetch(`${host.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'disconnected' });
  });

  it('rejects malformed messages and unknown commands with errors that say what is wrong', async () => {
    const raw = new WebSocket(host.wsUrl);
    await new Promise((resolve) => raw.once('open', resolve));
    const next = () => new Promise<Record<string, unknown>>((resolve) => raw.once('message', (data) => resolve(JSON.parse(String(data)))));
    raw.send('{not json');
    expect(await next()).toMatchObject({
      ok: false,
      id: null,
      error: { code: 'bad-request', message: expect.stringContaining('not valid JSON') },
    });
    raw.send(JSON.stringify({ type: 'request', id: 5, command: 'workload.setRate', params: { rate: -1 } }));
    expect(await next()).toMatchObject({ ok: false, id: 5, error: { code: 'bad-request', message: expect.stringContaining('rate') } });
    raw.close();
    await expect(client.call('nope' as never, {} as never)).rejects.toMatchObject({ code: 'unknown-command' });
  });

  it('refuses to start a workload before a stack is connected', async () => {
    await expect(client.call('workload.start', { profile: 'demo' })).rejects.toMatchObject({
      code: 'not-connected',
      hint: expect.stringContaining('connect'),
    });
  });

  it('connects, seeds, runs the demo workload live, and reports ordered percentiles per template', async () => {
    const status = await client.call('stack.connect', { pgUrl: db.url });
    expect(status).toMatchObject({ phase: 'ready', stack: { kind: 'remote', serverVersion: expect.any(Number) } });
    expect((await fetch(`${host.url}/healthz`)).status).toBe(200);

    const progress: number[] = [];
    const offProgress = client.subscribe('task.progress', (p) => p.task === 'seed' && progress.push(p.done));
    const seeded = await client.call('demo.seed', { chunks: 2000 });
    offProgress();
    expect(seeded).toMatchObject({ chunks: 2000, reused: false });
    expect(progress.length).toBeGreaterThan(2);

    const snapshots: TelemetrySnapshot[] = [];
    const offSnapshots = client.subscribe('telemetry.snapshot', (s) => snapshots.push(s));
    const started = await client.call('workload.start', { profile: 'demo', rate: 200 });
    expect(started.workload).toMatchObject({ running: true, profile: 'demo', targetRate: 200, templates: DEMO_TEMPLATES });

    // Enough traffic that even the rare templates have been measured.
    const metrics = await waitFor(
      'every demo template in /metrics',
      async () => {
        const text = await (await fetch(`${host.url}/metrics`)).text();
        const histograms = histogramSeries(parseExposition(text), 'hotpath_request_duration_seconds', 'template');
        return DEMO_TEMPLATES.every((t) => histograms.has(t)) ? { text, histograms } : undefined;
      },
      45_000,
    );
    expect(expositionProblems(metrics.text)).toEqual([]);
    expect([...metrics.histograms.keys()].sort()).toEqual([...DEMO_TEMPLATES].sort());
    for (const [template, series] of metrics.histograms) {
      expect(histogramQuantile(0.5, series), template).toBeLessThanOrEqual(histogramQuantile(0.95, series));
      expect(histogramQuantile(0.95, series), template).toBeLessThanOrEqual(histogramQuantile(0.99, series));
    }
    // The templates can all show up within the warm-up intervals; wait for a measured one too.
    await waitFor('a snapshot after the warm-up', () => snapshots.find((s) => s.workload && !s.workload.warmup), 45_000);
    offSnapshots();
    const live = snapshots.filter((s) => s.workload && !s.workload.warmup);
    expect(live.length).toBeGreaterThan(0);
    expect(live.at(-1)!.workload!.templates.at(-1)).toMatchObject({ template: 'all', errors: 0 });

    const history = await client.call('telemetry.history', { seconds: 900 });
    expect(history.length).toBeGreaterThanOrEqual(snapshots.length);

    await client.call('workload.setRate', { rate: 100 });
    expect((await client.call('engine.status', {})).workload.targetRate).toBe(100);
    const stopped = await client.call('workload.stop', {});
    expect(stopped.workload.running).toBe(false);
  });

  it('rejects a malformed workload profile with its field and line, and keeps running', async () => {
    const file = join(scratch, 'broken.yaml');
    await writeFile(file, 'name: broken\ntemplates:\n  - name: t\n    weight: heavy\n    sql: SELECT 1\n');
    const error = await client.call('workload.start', { profile: file }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'bad-workload-profile',
      message: expect.stringMatching(/broken\.yaml:4:\d+: templates\[0\]\.weight/),
    });
    expect((await client.call('engine.status', {})).phase).toBe('ready');
  });

  it('reports a wrong database name as a distinct, actionable error', async () => {
    const missing = new URL(db.url);
    missing.pathname = '/hotpath_no_such_db';
    const error = await client.call('stack.connect', { pgUrl: missing.toString() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'database-missing', hint: expect.stringContaining('createdb') });
    expect((await client.call('engine.status', {})).error).toMatchObject({ code: 'database-missing' });
  });
});
