import { describe, expect, it } from 'vitest';
import { ChunkGraph, NeighbourhoodMembership } from '../../../main/planner/chunk-graph.ts';
import { seededRandom } from '../../../main/util/random.ts';

/** The obvious definition: rows within `depth` undirected steps of the anchor, the anchor excluded. */
function bruteForce(edges: [number, number][], anchor: number, depth: number): number[] {
  const distance = new Map<number, number>([[anchor, 0]]);
  for (let level = 1; level <= depth; level += 1) {
    for (const [a, b] of edges) {
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const) {
        if (distance.get(from) === level - 1 && !distance.has(to)) distance.set(to, level);
      }
    }
  }
  distance.delete(anchor);
  return [...distance.keys()].sort((x, y) => x - y);
}

describe('ChunkGraph', () => {
  const random = seededRandom(17);
  const rows = 400;
  // A hub (row 0), duplicated edges (several relations), self-loops and isolated rows (390…399).
  const edges: [number, number][] = [];
  for (let i = 0; i < 700; i += 1) edges.push([Math.floor(random() * 390), Math.floor(random() * 390)]);
  for (let i = 1; i < 60; i += 1) edges.push([i * 5, 0]);
  edges.push([3, 3], [4, 9], [4, 9]);
  const graph = ChunkGraph.fromEdges(
    rows,
    Int32Array.from(edges, (e) => e[0]),
    Int32Array.from(edges, (e) => e[1]),
  );

  it('walks exactly the rows within depth steps, either direction, anchor excluded, ascending', () => {
    for (const anchor of [0, 3, 4, 17, 123, 395]) {
      for (const depth of [1, 2, 3] as const)
        expect(Array.from(graph.walk(anchor, depth)), `${anchor}@${depth}`).toEqual(bruteForce(edges, anchor, depth));
    }
    expect(graph.walk(395, 2)).toHaveLength(0);
  });

  it('counts an edge once at each end, duplicates included, as the table does', () => {
    const degree = (row: number) => edges.reduce((n, [a, b]) => n + (a === row ? 1 : 0) + (b === row ? 1 : 0), 0);
    for (const row of [0, 3, 4, 9, 399]) expect(graph.degree(row)).toBe(degree(row));
    expect(graph.edges).toBe(edges.length);
  });

  it('tests membership by meeting in the middle, exactly as the full walk', () => {
    for (const anchor of [0, 4, 17, 123]) {
      for (const depth of [1, 2, 3] as const) {
        const expected = new Set(bruteForce(edges, anchor, depth));
        const membership = new NeighbourhoodMembership(graph, anchor, depth);
        for (let row = 0; row < rows; row += 1) expect(membership.has(row), `${row} in N(${anchor}, ${depth})`).toBe(expected.has(row));
      }
    }
  });

  it('rejects rows outside the graph', () => {
    expect(() => graph.walk(rows, 1)).toThrow(/not in a graph of 400 rows/);
    expect(() => ChunkGraph.fromEdges(2, Int32Array.of(0), Int32Array.of(2))).toThrow(/Row 2/);
  });
});
