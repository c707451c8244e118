import { gaussian, randomInt, seededRandom, type Random } from '../util/random.ts';
import { EMBEDDING_DIMENSIONS } from './schema.ts';
import { buildTimeline, type DemoTimeline } from './demo-timeline.ts';
import { generateDemoEdges, type DemoEdge } from './demo-graph.ts';
import { FILLER_WORDS, KINDS, KIND_OPENERS, ORIGINS, TOPICS } from './demo-vocabulary.ts';
import { deriveSeed, logNormal, pickWeighted } from './sampling.ts';

export type { DemoEdge } from './demo-graph.ts';

/** Bump when the generator's output for a given seed changes, so stored seeds are redone. */
export const DEMO_GENERATOR_VERSION = 1;
export const DEFAULT_DEMO_SEED = 20_240_613;
export const MAX_CONTENT_CHARS = 300;

export interface DemoChunk {
  id: number;
  systemOrigin: string;
  sessionId: number;
  createdAt: Date;
  kind: string;
  tokens: number;
  content: string;
  /** Unit length, EMBEDDING_DIMENSIONS values, each rounded to 6 decimals (within `real` precision). */
  embedding: number[];
}

export interface DemoDataSpec {
  /** Chunks to generate; their ids are 1..chunks. */
  chunks: number;
  seed: number;
  /** Epoch ms the 90 days of data end at (the seed time). Part of the spec so output is reproducible. */
  endTime: number;
}

/** Spread of a chunk around its topic's centre: same-topic cosine ≈ 0.8, across topics ≈ 0. */
const EMBEDDING_NOISE = 0.09;
const STREAM_CENTROIDS = 3;
const STREAM_ROWS = 1_000;

export function validateChunkCount(chunks: unknown): number {
  if (typeof chunks !== 'number' || !Number.isSafeInteger(chunks) || chunks < 1) {
    throw new RangeError(`The demo chunk count must be a positive integer; got ${String(chunks)}.`);
  }
  return chunks;
}

function normalise(vector: number[]): number[] {
  const length = Math.hypot(...vector) || 1;
  return vector.map((x) => Math.round((x / length) * 1e6) / 1e6);
}

function topicCentroids(seed: number): number[][] {
  const random = seededRandom(deriveSeed(seed, STREAM_CENTROIDS));
  return TOPICS.map(() => normalise(Array.from({ length: EMBEDDING_DIMENSIONS }, () => gaussian(random))));
}

function content(random: Random, kind: (typeof KINDS)[number][0], topic: readonly string[]): string {
  const wanted = Math.min(MAX_CONTENT_CHARS, Math.max(20, Math.round(logNormal(random, 110, 0.5))));
  const opener = KIND_OPENERS[kind];
  const words: string[] = [];
  for (let length = opener.length; length < wanted;) {
    const word =
      random() < 0.6 ? topic[randomInt(random, 0, topic.length - 1)]! : FILLER_WORDS[randomInt(random, 0, FILLER_WORDS.length - 1)]!;
    const ending = random() < 0.1 ? '.' : '';
    words.push(word + ending);
    length += word.length + ending.length + 1;
  }
  return (opener + words.join(' ')).slice(0, MAX_CONTENT_CHARS);
}

/**
 * Deterministic demo data for the `unified` schema: the same spec gives the same rows, byte for
 * byte. Rows come lazily from generators; only the compact timeline (ids, times, sessions,
 * topics) is built up front, because edges must respect the times of both their ends.
 */
export class DemoDataGenerator {
  readonly spec: Readonly<DemoDataSpec>;
  readonly timeline: DemoTimeline;
  readonly #centroids: number[][];
  #edgeCount: number | undefined;

  constructor(spec: DemoDataSpec) {
    validateChunkCount(spec.chunks);
    if (!Number.isFinite(spec.endTime)) throw new RangeError(`The demo end time must be a finite epoch ms; got ${spec.endTime}.`);
    if (!Number.isSafeInteger(spec.seed)) throw new RangeError(`The demo seed must be an integer; got ${spec.seed}.`);
    this.spec = { ...spec };
    this.timeline = buildTimeline(spec.chunks, spec.seed, spec.endTime);
    this.#centroids = topicCentroids(spec.seed);
  }

  /** Chunk `id` (1..chunks), computed on its own from the seed. */
  chunk(id: number): DemoChunk {
    const i = id - 1;
    if (!Number.isInteger(id) || i < 0 || i >= this.timeline.count) throw new RangeError(`No demo chunk ${id}.`);
    const random = seededRandom(deriveSeed(this.spec.seed, STREAM_ROWS + id));
    const topic = this.timeline.topic[i]!;
    const kind = pickWeighted(random, KINDS);
    const centroid = this.#centroids[topic]!;
    return {
      id,
      systemOrigin: ORIGINS[this.timeline.origin[i]!]![0],
      sessionId: this.timeline.sessionId[i]!,
      createdAt: new Date(this.timeline.createdAt[i]!),
      kind,
      // Heavy-tailed: most chunks are a short message, a few are a whole file.
      tokens: Math.min(8_000, Math.max(1, Math.round(logNormal(random, 160, 1.1)))),
      content: content(random, kind, TOPICS[topic]!),
      embedding: normalise(centroid.map((c) => c + EMBEDDING_NOISE * gaussian(random))),
    };
  }

  *chunks(): Generator<DemoChunk> {
    for (let id = 1; id <= this.timeline.count; id += 1) yield this.chunk(id);
  }

  edges(): Generator<DemoEdge> {
    return generateDemoEdges(this.timeline, this.spec.seed, this.spec.endTime);
  }

  /** How many edges `edges()` yields (one pass without keeping them), for progress totals. */
  countEdges(): number {
    if (this.#edgeCount === undefined) {
      let count = 0;
      for (const _ of this.edges()) count += 1;
      this.#edgeCount = count;
    }
    return this.#edgeCount;
  }
}
