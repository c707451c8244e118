import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { seededRandom } from '../../../main/util/random.ts';
import { DEMO_PROFILE_PATH } from '../../../main/workload/demo-profile.ts';
import { loadSqlCheck, parseWorkloadProfile } from '../../../main/workload/profile-loader.ts';

await loadSqlCheck();
import { prepareTemplateParams } from '../../../main/workload/param-generators.ts';

// Parsed synchronously so that each template gets its own test.
const DEMO = parseWorkloadProfile(readFileSync(DEMO_PROFILE_PATH, 'utf8'), DEMO_PROFILE_PATH);
const RUNS_PER_TEMPLATE = 40;

// A tiny copy of the demo schema: 300 chunks (half in the last two days, half spread
// over ~88 days, whole seconds, away from the 7-day boundary), 600 edges.
const SCHEMA = `
CREATE SCHEMA unified;
CREATE TABLE unified.chunks (
  id bigint PRIMARY KEY, system_origin text, session_id bigint, created_at timestamptz,
  kind text, tokens int, content text, embedding real[]);
CREATE TABLE unified.edges (
  src bigint, dst bigint, relation text, weight real, created_at timestamptz, PRIMARY KEY (src, dst, relation));
INSERT INTO unified.chunks
SELECT g, (ARRAY['slack', 'github', 'notion', 'email'])[1 + g % 4], g / 10,
       date_trunc('second', now()) - CASE WHEN g <= 150 THEN g * interval '20 minutes'
                                          ELSE (g - 150) * interval '14 hours' + interval '7 minutes' END,
       (ARRAY['message', 'doc', 'code'])[1 + g % 3], 10 + g % 50, 'chunk ' || g, ARRAY[g::real, 0.5::real]
FROM generate_series(1, 300) g;
INSERT INTO unified.edges
SELECT g, 1 + (g * k) % 300, CASE WHEN k = 7 THEN 'cites' ELSE 'follows' END, 0.5, now()
FROM generate_series(1, 300) g, (VALUES (7), (13)) AS f(k)
ON CONFLICT DO NOTHING;
CREATE TABLE unified.seed_state (data_end_at timestamptz NOT NULL);
INSERT INTO unified.seed_state VALUES (date_trunc('second', now()));`;

interface Chunk {
  id: number;
  origin: string;
  session: number;
  createdAt: number;
}

type Row = Record<string, unknown>;
type Oracle = (params: unknown[], rows: Row[]) => void;

describe.each(TEST_SERVERS)('demo profile templates on %s', (server) => {
  let db: TestDatabase;
  let client: pg.Client;
  let chunks: Chunk[];
  let edges: Array<[number, number]>;
  let dataEnd: number;

  /** Everything the profile runs goes through a READ ONLY transaction: the runner's sessions are read-only too. */
  async function readOnly<T>(work: () => Promise<T>): Promise<T> {
    await client.query('BEGIN READ ONLY');
    try {
      return await work();
    } finally {
      await client.query('ROLLBACK');
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase(server);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(SCHEMA);
    const all = await client.query<{ id: string; system_origin: string; session_id: string; created_at: Date }>(
      'SELECT id, system_origin, session_id, created_at FROM unified.chunks',
    );
    chunks = all.rows.map((r) => ({
      id: Number(r.id),
      origin: r.system_origin,
      session: Number(r.session_id),
      createdAt: r.created_at.getTime(),
    }));
    dataEnd = (await client.query<{ end_at: Date }>('SELECT data_end_at AS end_at FROM unified.seed_state')).rows[0]!.end_at.getTime();
    edges = (await client.query<{ src: string; dst: string }>('SELECT src, dst FROM unified.edges')).rows.map((r) => [
      Number(r.src),
      Number(r.dst),
    ]);
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const ids = (rows: Row[]): number[] => rows.map((r) => Number(r['id']));
  const DAY = 86_400_000;

  // What each template must return, computed in JavaScript from the same data.
  const oracles: Record<string, Oracle> = {
    chunk_by_id: ([id], rows) => expect(ids(rows)).toEqual([Number(id)]),
    graph_neighbours: ([start], rows) => {
      const from = (src: number) => edges.filter(([s]) => s === src).map(([, d]) => d);
      const hop1 = from(Number(start));
      const reach = new Set([...hop1, ...hop1.flatMap(from)]);
      reach.delete(Number(start));
      expect(ids(rows)).toEqual([...reach].sort((a, b) => a - b).slice(0, 100));
    },
    recent_by_origin: ([origin, since], rows) => {
      expect(dataEnd - (since as Date).getTime()).toBe(7 * DAY);
      const expected = chunks
        .filter((c) => c.origin === origin && c.createdAt >= (since as Date).getTime())
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, 50);
      expect(ids(rows)).toEqual(expected.map((c) => c.id));
    },
    session_timeline: ([session], rows) => {
      const expected = chunks.filter((c) => c.session === Number(session)).sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(ids(rows)).toEqual(expected.map((c) => c.id));
    },
    time_range_count: ([start], rows) => {
      const from = Number(start) * 1000;
      expect(from).toBeGreaterThanOrEqual(dataEnd - 90 * DAY);
      expect(from).toBeLessThanOrEqual(dataEnd - 3_600_000);
      const expected = chunks.filter((c) => c.createdAt >= from && c.createdAt < from + 3_600_000).length;
      expect(rows.map((r) => Number(r['chunks']))).toEqual([expected]);
    },
  };

  it('has an oracle for every demo template', () => {
    expect(Object.keys(oracles).sort()).toEqual(DEMO.templates.map((t) => t.name).sort());
  });

  it.each(DEMO.templates.map((t) => [t.name, t] as const))(
    '%s: params prepared from real queries run, and the SQL returns the right rows',
    async (name, template) => {
      const query = (sql: string) =>
        readOnly(async () => (await client.query({ text: sql, rowMode: 'array' })).rows.map((row: unknown[]) => row[0]));
      const next = await prepareTemplateParams(template, { query, random: seededRandom(2024) });
      const seen = new Set<string>();
      for (let run = 0; run < RUNS_PER_TEMPLATE; run += 1) {
        const params = next();
        seen.add(JSON.stringify(params));
        const { rows } = await readOnly(() => client.query<Row>(template.sql, params));
        oracles[name]!(params, rows);
      }
      // The generators vary the keys (the seeded Zipf draws hit several distinct ones).
      expect(seen.size).toBeGreaterThan(1);
    },
  );

  it('time_range_count counts a window that holds several chunks', async () => {
    const template = DEMO.templates.find((t) => t.name === 'time_range_count')!;
    const dense = chunks.find((c) => c.id === 60)!;
    const start = Math.floor((dense.createdAt - 30 * 60_000) / 1000);
    const { rows } = await readOnly(() => client.query<Row>(template.sql, [start]));
    expect(Number(rows[0]!['chunks'])).toBeGreaterThanOrEqual(3);
    oracles['time_range_count']!([start], rows);
  });

  it('the demo startup queries resolve to real bounds and samples', async () => {
    const max = await readOnly(() => client.query({ text: 'SELECT max(id) FROM unified.chunks', rowMode: 'array' }));
    expect(Number(max.rows[0]![0])).toBe(300);
    const sessions = DEMO.templates.find((t) => t.name === 'session_timeline')!.params[0]!;
    expect(sessions.kind).toBe('sample');
    if (sessions.kind !== 'sample') return;
    const sample = await readOnly(() => client.query({ text: sessions.query, rowMode: 'array' }));
    // The most recently active session first: chunk 1 is the newest and belongs to session 0.
    expect(Number(sample.rows[0]![0])).toBe(0);
    expect(sample.rows.length).toBe(31);
  });
});
