import type { GraphAnchor } from './planner-types.ts';

/**
 * The edges between the store's chunks as adjacency lists over store rows (compressed sparse rows, both
 * directions), so a neighbourhood walk costs array reads instead of one statement per level: a hub's 2-hop
 * neighbourhood is one or two orders of magnitude faster to walk here than in SQL (docs/measurements.md).
 * Edges are followed in either direction; an edge listed under several relations counts once per row, as in the
 * table, which is what `degree` reports. Like the embeddings, it is the snapshot of the last load.
 */
export class ChunkGraph {
  readonly rows: number;
  /** Row r's neighbours are neighbours[offsets[r] … offsets[r + 1]). */
  readonly #offsets: Int32Array;
  readonly #neighbours: Int32Array;
  /** Visit marks for `walk` (synchronous, so one array serves every walk); a new epoch clears them all. */
  readonly #marks: Uint32Array;
  #epoch = 0;

  private constructor(offsets: Int32Array, neighbours: Int32Array) {
    this.rows = offsets.length - 1;
    this.#offsets = offsets;
    this.#neighbours = neighbours;
    this.#marks = new Uint32Array(this.rows);
  }

  /** A graph over `rows` rows from `count` edges given as row pairs (either order; self-loops allowed). */
  static fromEdges(rows: number, from: Int32Array, to: Int32Array, count = from.length): ChunkGraph {
    const offsets = new Int32Array(rows + 1);
    for (let e = 0; e < count; e += 1) {
      checkRow(from[e]!, rows);
      checkRow(to[e]!, rows);
      offsets[from[e]! + 1] = offsets[from[e]! + 1]! + 1;
      offsets[to[e]! + 1] = offsets[to[e]! + 1]! + 1;
    }
    for (let r = 0; r < rows; r += 1) offsets[r + 1] = offsets[r + 1]! + offsets[r]!;
    const fill = offsets.slice(0, rows);
    const neighbours = new Int32Array(offsets[rows]!);
    for (let e = 0; e < count; e += 1) {
      const a = from[e]!;
      const b = to[e]!;
      neighbours[fill[a]!] = b;
      fill[a] = fill[a]! + 1;
      neighbours[fill[b]!] = a;
      fill[b] = fill[b]! + 1;
    }
    return new ChunkGraph(offsets, neighbours);
  }

  static empty(rows: number): ChunkGraph {
    return new ChunkGraph(new Int32Array(rows + 1), new Int32Array(0));
  }

  /** Edges loaded (each stored twice, once per end). */
  get edges(): number {
    return this.#neighbours.length / 2;
  }

  get bytes(): number {
    return this.#offsets.byteLength + this.#neighbours.byteLength + this.#marks.byteLength;
  }

  /** Edges touching the row, either direction. */
  degree(row: number): number {
    return this.#offsets[row + 1]! - this.#offsets[row]!;
  }

  /** Whether any neighbour of `row` is marked 1 in `marks`. */
  someNeighbour(row: number, marks: Uint8Array): boolean {
    for (let i = this.#offsets[row]!; i < this.#offsets[row + 1]!; i += 1) if (marks[this.#neighbours[i]!] === 1) return true;
    return false;
  }

  /**
   * The rows within `depth` steps of `anchorRow` (either direction), the anchor excluded, ascending. Breadth-first,
   * each row expanded once.
   */
  walk(anchorRow: number, depth: GraphAnchor['depth']): Int32Array {
    checkRow(anchorRow, this.rows);
    const marks = this.#marks;
    this.#epoch = (this.#epoch + 1) >>> 0 || 1;
    if (this.#epoch === 1) marks.fill(0);
    const epoch = this.#epoch;
    const offsets = this.#offsets;
    const neighbours = this.#neighbours;
    // Levels follow each other in `reached`: the rows of the level being expanded are reached[levelStart, levelEnd).
    const reached: number[] = [];
    const expand = (row: number): void => {
      for (let i = offsets[row]!; i < offsets[row + 1]!; i += 1) {
        const neighbour = neighbours[i]!;
        if (marks[neighbour] === epoch) continue;
        marks[neighbour] = epoch;
        reached.push(neighbour);
      }
    };
    marks[anchorRow] = epoch;
    expand(anchorRow);
    let levelStart = 0;
    for (let level = 2; level <= depth && levelStart < reached.length; level += 1) {
      const levelEnd = reached.length;
      for (let i = levelStart; i < levelEnd; i += 1) expand(reached[i]!);
      levelStart = levelEnd;
    }
    return Int32Array.from(reached).sort();
  }
}

/**
 * Tests rows for membership in N(anchor, depth) without walking the whole neighbourhood, for a plan that meets
 * candidates in distance order (vector-first). Meet in the middle: c ≠ anchor lies within `depth` steps iff the ball
 * of radius ⌈depth/2⌉ around the anchor (the anchor included) meets the ball of radius ⌊depth/2⌋ around c. So only
 * the anchor's near ball is walked (depth 1 → N(a,1), 2 → N(a,1), 3 → N(a,2): a hub's 2-hop walk of tens of
 * thousands is avoided at depth 2), and each candidate costs its own degree at depth 2 and 3.
 */
export class NeighbourhoodMembership {
  /** N(anchor, ⌈depth/2⌉) as rows, the anchor excluded, ascending. */
  readonly nearBall: Int32Array;
  readonly #inBall: Uint8Array;
  readonly #anchorRow: number;
  readonly #depth: GraphAnchor['depth'];
  readonly #graph: ChunkGraph;

  constructor(graph: ChunkGraph, anchorRow: number, depth: GraphAnchor['depth']) {
    this.#graph = graph;
    this.#anchorRow = anchorRow;
    this.#depth = depth;
    this.nearBall = graph.walk(anchorRow, NeighbourhoodMembership.nearDepth(depth));
    this.#inBall = new Uint8Array(graph.rows);
    for (const row of this.nearBall) this.#inBall[row] = 1;
    this.#inBall[anchorRow] = 1;
  }

  /** The anchor's radius: ⌈depth/2⌉. */
  static nearDepth(depth: GraphAnchor['depth']): 1 | 2 {
    return depth === 3 ? 2 : 1;
  }

  has(row: number): boolean {
    if (row === this.#anchorRow) return false;
    if (this.#inBall[row] === 1) return true;
    if (this.#depth === 1) return false;
    // Depth 2 and 3: the candidate's radius is 1, so it is in if one of its neighbours is in the ball.
    return this.#graph.someNeighbour(row, this.#inBall);
  }
}

function checkRow(row: number, rows: number): void {
  if (!(row >= 0 && row < rows)) throw new RangeError(`Row ${row} is not in a graph of ${rows} rows.`);
}
