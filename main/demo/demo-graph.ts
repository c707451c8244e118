import { randomInt, seededRandom, type Random } from '../util/random.ts';
import type { DemoTimeline } from './demo-timeline.ts';
import { TOPICS, type Relation } from './demo-vocabulary.ts';
import { deriveSeed, exponential, poisson } from './sampling.ts';

export interface DemoEdge {
  src: number;
  dst: number;
  relation: Relation;
  weight: number;
  createdAt: Date;
}

/** A chunk answers an earlier chunk of its session this often, besides following the previous one. */
const REPLY_PROBABILITY = 0.35;
/** Mean citations of earlier chunks per chunk: the bulk of the graph, and its power-law part. */
const MEAN_REFERENCES = 1.6;
/** Share of citations that go to a chunk in proportion to its citations so far (the rest: uniform). */
const PREFERENTIAL_SHARE = 0.95;
/**
 * Entries a citation adds to the attractor list (each chunk enters once when created): two make a
 * chunk's pull 2·(citations + 0.5), an initial attractiveness of 0.5. With 1.6 citations a chunk,
 * Price's model then gives in-degrees a power law of exponent about 2 + 0.5 / 1.6 ≈ 2.3, close
 * to what citation and reply graphs show.
 */
const ENTRIES_PER_CITATION = 2;
const SIMILAR_PROBABILITY = 0.35;
/** `similar_to` points at one of the latest chunks of the same topic, as a nearest-neighbour link would. */
const SIMILAR_RECENT = 2_000;
/** An edge is drawn a little after its later end appears. */
const MEAN_EDGE_DELAY_MS = 60_000;

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Walks `steps` chunks back along the session from `id` (stops at the session's first chunk). */
function earlierInSession(timeline: DemoTimeline, id: number, steps: number): number {
  let target = id;
  for (let k = 0; k < steps; k += 1) {
    const previous = timeline.previousInSession[target - 1]!;
    if (previous === 0) break;
    target = previous;
  }
  return target;
}

/**
 * The edges of the demo graph, about three per chunk, lazily and in `src` order. Every edge goes
 * from a chunk to an earlier one (`dst < src`), so its time, just after the source's, is never
 * before either end. Citations follow Price's preferential attachment: in-degrees are power-law,
 * a few hub chunks are cited by thousands and most by none, as graph traversals meet in practice.
 */
export function* generateDemoEdges(timeline: DemoTimeline, seed: number, endTime: number): Generator<DemoEdge> {
  const random: Random = seededRandom(deriveSeed(seed, 2));
  // Each chunk enters once when created and again per citation: a uniform pick from this list
  // picks a chunk in proportion to its citations (plus a little, so new chunks can be found).
  const attractors: number[] = [];
  const recentByTopic: number[][] = TOPICS.map(() => []);

  for (let src = 1; src <= timeline.count; src += 1) {
    const edgeTime = (): Date =>
      new Date(Math.min(endTime, Math.round(timeline.createdAt[src - 1]! + exponential(random, MEAN_EDGE_DELAY_MS))));
    const previous = timeline.previousInSession[src - 1]!;
    if (previous !== 0) {
      yield { src, dst: previous, relation: 'follows', weight: 1, createdAt: edgeTime() };
      if (random() < REPLY_PROBABILITY) {
        const dst = earlierInSession(timeline, previous, poisson(random, 1));
        yield { src, dst, relation: 'reply_to', weight: 0.9, createdAt: edgeTime() };
      }
    }
    if (src > 1) {
      const cited = new Set<number>();
      for (let k = poisson(random, MEAN_REFERENCES); k > 0; k -= 1) {
        const dst =
          random() < PREFERENTIAL_SHARE ? attractors[randomInt(random, 0, attractors.length - 1)]! : randomInt(random, 1, src - 1);
        if (cited.has(dst)) continue;
        cited.add(dst);
        for (let e = 0; e < ENTRIES_PER_CITATION; e += 1) attractors.push(dst);
        yield { src, dst, relation: 'references', weight: round3(0.2 + 0.8 * random()), createdAt: edgeTime() };
      }
    }
    const recent = recentByTopic[timeline.topic[src - 1]!]!;
    if (recent.length > 0 && random() < SIMILAR_PROBABILITY) {
      const from = Math.max(0, recent.length - SIMILAR_RECENT);
      const dst = recent[randomInt(random, from, recent.length - 1)]!;
      yield { src, dst, relation: 'similar_to', weight: round3(0.6 + 0.4 * random()), createdAt: edgeTime() };
    }
    attractors.push(src);
    recent.push(src);
  }
}
