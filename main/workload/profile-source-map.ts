/**
 * Maps field paths of a parsed YAML/JSON document back to lines and columns, so that
 * a validation error can say where in the file the offending value is.
 */
import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface SourcePosition {
  line: number;
  column: number;
}

type PathSegment = string | number;

export class ProfileSourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    private readonly text: string,
  ) {}

  position(offset: number): SourcePosition {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /** The node at `path`, or undefined when the path does not exist in the document. */
  node(path: readonly PathSegment[]): Node | undefined {
    if (path.length === 0) return isNode(this.doc.contents) ? this.doc.contents : undefined;
    const found: unknown = this.doc.getIn(path, true);
    return isNode(found) ? found : undefined;
  }

  /** Where the value at `path` starts; for a missing field, where its closest existing parent starts. */
  positionOf(path: readonly PathSegment[]): SourcePosition {
    for (let length = path.length; length >= 0; length -= 1) {
      const start = this.node(path.slice(0, length))?.range?.[0];
      if (start !== undefined) return this.position(start);
    }
    return { line: 1, column: 1 };
  }

  /** Where the key `key` of the mapping at `mapPath` is written (for unknown fields). */
  keyPosition(mapPath: readonly PathSegment[], key: string): SourcePosition {
    const map = this.node(mapPath);
    if (isMap(map)) {
      for (const pair of map.items) {
        if (isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) return this.position(pair.key.range[0]);
      }
    }
    return this.positionOf(mapPath);
  }

  /**
   * Where character `offset` of the string value at `path` is written. Block scalars,
   * folding and quoting change offsets, so this finds the same occurrence of the token
   * at `offset` in the source text, and falls back to the start of the value.
   */
  positionInString(path: readonly PathSegment[], value: string, offset: number): SourcePosition {
    const node = this.node(path);
    const token = /^\S+/.exec(value.slice(offset))?.[0];
    if (node?.range && token) {
      const occurrence = countOccurrences(value.slice(0, offset), token);
      const written = this.text.slice(node.range[0], node.range[1]);
      let at = -1;
      for (let n = 0; n <= occurrence; n += 1) {
        at = written.indexOf(token, at + 1);
        if (at < 0) break;
      }
      if (at >= 0) return this.position(node.range[0] + at);
    }
    return this.positionOf(path);
  }

  /** The field path of the deepest value whose text contains `offset` (to name the field of a syntax error). */
  pathAt(offset: number): PathSegment[] {
    const path: PathSegment[] = [];
    let node: unknown = this.doc.contents;
    for (;;) {
      const child = childContaining(node, offset);
      if (!child) return path;
      path.push(child.segment);
      node = child.node;
    }
  }
}

function childContaining(node: unknown, offset: number): { segment: PathSegment; node: unknown } | undefined {
  // A key-value pair spans from its key to the end of its value.
  const contains = (first: unknown, last: unknown): boolean => {
    const start = isNode(first) ? first.range?.[0] : undefined;
    const end = (isNode(last) ? last : isNode(first) ? first : undefined)?.range?.[2];
    return start !== undefined && end !== undefined && offset >= start && offset <= end;
  };
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && contains(pair.key, pair.value)) return { segment: String(pair.key.value), node: pair.value };
    }
  }
  if (isSeq(node)) {
    const index = node.items.findIndex((item) => contains(item, item));
    if (index >= 0) return { segment: index, node: node.items[index] };
  }
  return undefined;
}

function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) count += 1;
  return count;
}
