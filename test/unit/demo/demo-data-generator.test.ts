import { describe, expect, it } from 'vitest';
import { DemoDataGenerator, MAX_CONTENT_CHARS, type DemoChunk, type DemoEdge } from '../../../main/demo/demo-data-generator.ts';
import { DEMO_WINDOW_MS, MAX_SESSION_CHUNKS } from '../../../main/demo/demo-timeline.ts';
import { ORIGINS, RELATIONS } from '../../../main/demo/demo-vocabulary.ts';
import { EMBEDDING_DIMENSIONS } from '../../../main/demo/schema.ts';

const END = Date.UTC(2025, 5, 1, 12);
const DAY = 24 * 60 * 60 * 1000;

// One mid-sized data set shared by the shape tests: large enough for the tails to show.
const generator = new DemoDataGenerator({ chunks: 20_000, seed: 11, endTime: END });
const chunks: DemoChunk[] = [...generator.chunks()];
const edges: DemoEdge[] = [...generator.edges()];

function countBy<T>(values: Iterable<T>): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, x, i) => sum + x * b[i]!, 0);
}

describe('DemoDataGenerator', () => {
  it('is deterministic: the same spec gives the same rows, another seed different ones', () => {
    const again = new DemoDataGenerator({ chunks: 20_000, seed: 11, endTime: END });
    expect([...again.chunks()].slice(0, 300)).toEqual(chunks.slice(0, 300));
    expect(again.chunk(17_777)).toEqual(chunks[17_776]);
    expect([...again.edges()]).toEqual(edges);
    const other = new DemoDataGenerator({ chunks: 20_000, seed: 12, endTime: END });
    expect(other.chunk(1).content).not.toBe(chunks[0]!.content);
  });

  it('numbers chunks 1..N with times that never go back as ids grow', () => {
    expect(chunks.map((c) => c.id)).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
    const backwards = chunks.filter((c, i) => i > 0 && c.createdAt < chunks[i - 1]!.createdAt);
    expect(backwards).toEqual([]);
  });

  it('spreads chunks over the 90 days ending at the end time', () => {
    const times = chunks.map((c) => c.createdAt.getTime());
    expect(Math.max(...times)).toBeLessThanOrEqual(END);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(END - DEMO_WINDOW_MS);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(88 * DAY);
    // Every fortnight of the window has data, not just a burst at one end.
    const fortnights = countBy(times.map((t) => Math.floor((END - t) / (14 * DAY))));
    expect(fortnights.size).toBeGreaterThanOrEqual(6);
  });

  it('gives origins very different sizes, in the designed shares', () => {
    const counts = countBy(chunks.map((c) => c.systemOrigin));
    expect([...counts.keys()].sort()).toEqual(ORIGINS.map(([name]) => name).sort());
    for (const [name, share] of ORIGINS) expect(counts.get(name)! / chunks.length).toBeCloseTo(share, 2);
    expect(counts.get('claude')! / counts.get('email')!).toBeGreaterThan(15);
  });

  it('makes sessions heavy-tailed in length and close together in time', () => {
    const bySession = new Map<number, DemoChunk[]>();
    for (const chunk of chunks) bySession.set(chunk.sessionId, [...(bySession.get(chunk.sessionId) ?? []), chunk]);
    const lengths = [...bySession.values()].map((s) => s.length);
    expect(bySession.size).toBe(generator.timeline.sessionCount);
    expect(quantile(lengths, 0.5)).toBeLessThanOrEqual(3);
    expect(Math.max(...lengths)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(MAX_SESSION_CHUNKS);
    // One session, one origin.
    for (const session of bySession.values()) expect(new Set(session.map((c) => c.systemOrigin)).size).toBe(1);
    // Consecutive chunks of a session are minutes apart; consecutive ids across the table are not the measure,
    // a whole session is: nearly all sessions span less than a day of a 90-day window.
    const spans = [...bySession.values()].map((s) => s.at(-1)!.createdAt.getTime() - s[0]!.createdAt.getTime());
    expect(quantile(spans, 0.5)).toBeLessThan(60 * 60 * 1000);
    expect(quantile(spans, 0.95)).toBeLessThan(DAY);
  });

  it('skews kinds and gives tokens a long tail, keeping content short', () => {
    const kinds = [...countBy(chunks.map((c) => c.kind)).values()].sort((a, b) => b - a);
    expect(kinds[0]! / kinds.at(-1)!).toBeGreaterThan(8);
    const tokens = chunks.map((c) => c.tokens);
    expect(Math.min(...tokens)).toBeGreaterThanOrEqual(1);
    expect(quantile(tokens, 0.99) / quantile(tokens, 0.5)).toBeGreaterThan(6);
    expect(Math.max(...chunks.map((c) => c.content.length))).toBeLessThanOrEqual(MAX_CONTENT_CHARS);
    expect(chunks.every((c) => c.content.length > 0)).toBe(true);
  });

  it('makes unit embeddings clustered by topic, so similarity means something', () => {
    for (const chunk of chunks.slice(0, 500)) {
      expect(chunk.embedding).toHaveLength(EMBEDDING_DIMENSIONS);
      expect(Math.hypot(...chunk.embedding)).toBeCloseTo(1, 4);
    }
    // Same topic: noise around one centre, cosine near 0.8. Different topics: random centres, near 0.
    const { topic } = generator.timeline;
    const sameTopic: number[] = [];
    const otherTopic: number[] = [];
    for (let i = 0; i < 3_000; i += 1) {
      const j = (i * 7_919 + 13) % chunks.length;
      (topic[i] === topic[j] ? sameTopic : otherTopic).push(cosine(chunks[i]!.embedding, chunks[j]!.embedding));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(sameTopic.length).toBeGreaterThan(50);
    expect(mean(sameTopic)).toBeGreaterThan(0.7);
    expect(Math.abs(mean(otherTopic))).toBeLessThan(0.15);
  });

  it('makes about three edges per chunk, each to an earlier chunk and no earlier than either end', () => {
    expect(edges.length / chunks.length).toBeGreaterThan(2.5);
    expect(edges.length / chunks.length).toBeLessThan(3.5);
    expect(generator.countEdges()).toBe(edges.length);
    expect(new Set(edges.map((e) => e.relation))).toEqual(new Set(RELATIONS));
    expect(new Set(edges.map((e) => `${e.src}/${e.dst}/${e.relation}`)).size).toBe(edges.length);
    const broken = edges.filter((edge) => {
      const t = edge.createdAt.getTime();
      return !(
        edge.dst >= 1 &&
        edge.dst < edge.src &&
        t >= chunks[edge.src - 1]!.createdAt.getTime() &&
        t >= chunks[edge.dst - 1]!.createdAt.getTime() &&
        t <= END &&
        edge.weight > 0 &&
        edge.weight <= 1
      );
    });
    expect(broken).toEqual([]);
  });

  it('gives the graph power-law in-degrees: a few hubs, most chunks barely cited', () => {
    const inDegree = new Int32Array(chunks.length + 1);
    for (const edge of edges) inDegree[edge.dst] = (inDegree[edge.dst] ?? 0) + 1;
    const degrees = [...inDegree.slice(1)].sort((a, b) => b - a);
    const mean = edges.length / chunks.length;
    expect(degrees[0]!).toBeGreaterThan(100 * mean);
    const top1Percent = degrees.slice(0, chunks.length / 100).reduce((a, b) => a + b, 0);
    expect(top1Percent / edges.length).toBeGreaterThan(0.15);
    expect(quantile(degrees, 0.5)).toBeLessThanOrEqual(mean);
    // A power law keeps a fat tail where an exponential one would have vanished.
    expect(degrees.filter((d) => d >= 20 * mean).length).toBeGreaterThan(chunks.length / 1_000);
  });

  it('rejects a chunk count that is not a positive integer', () => {
    for (const bad of [0, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new DemoDataGenerator({ chunks: bad, seed: 1, endTime: END })).toThrow(/chunk count must be a positive integer/);
    }
    expect(() => generator.chunk(0)).toThrow(/No demo chunk 0/);
    expect(() => generator.chunk(20_001)).toThrow(/No demo chunk/);
  });

  it('yields rows lazily', () => {
    const iterator = generator.chunks();
    expect(iterator.next().value).toEqual(chunks[0]);
    expect(Array.isArray(iterator)).toBe(false);
  });
});
