/**
 * Reads a workload profile from YAML or JSON (YAML 1.2 reads JSON too) and validates
 * it, turning every problem into `file:line:column: field: message`.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { WorkloadProfileSchema, type WorkloadProfile } from './profile-schema.ts';
import { WorkloadProfileError, describeValue, formatFieldPath, type WorkloadProfileIssue } from './profile-error.ts';
import { ProfileSourceMap } from './profile-source-map.ts';
import { MAX_ALIASES, MAX_NESTING, MAX_PROFILE_BYTES } from './profile-limits.ts';
import { loadSqlCheck } from './profile-sql-check.ts';

export { WorkloadProfileError, type WorkloadProfileIssue } from './profile-error.ts';
export { loadSqlCheck } from './profile-sql-check.ts';

type ZodIssue = z.core.$ZodIssue;
type PathSegment = string | number;

const NOT_A_PROFILE = 'this is not a YAML/JSON workload profile';

/** Why `text` cannot be a profile at all (binary, too large), or null; never quotes the content. */
function notAProfile(text: string): string | null {
  if (text.length > MAX_PROFILE_BYTES) return `${NOT_A_PROFILE}: it is ${mib(text.length)} characters; a workload profile is at most 1 MiB`;
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return `${NOT_A_PROFILE}: it holds a NUL byte (at character ${nul}), so it is binary, not text`;
  // U+FFFD is what a lenient UTF-8 decoder puts where the bytes were not UTF-8.
  const replaced = text.indexOf('\ufffd');
  if (replaced >= 0) return `${NOT_A_PROFILE}: it is not UTF-8 text (invalid bytes at character ${replaced})`;
  return null;
}

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/** The deepest nesting of [ and { (flow) or indentation levels, counted cheaply before the YAML parser recurses. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) deepest = Math.max(deepest, ++depth);
    else if ((c === 93 || c === 125) && depth > 0) depth -= 1;
  }
  return deepest;
}

/**
 * Parses and validates a profile; `source` names it in errors (usually the file path). The SQL check needs
 * PostgreSQL's parser: `await loadSqlCheck()` once before (loadWorkloadProfile does).
 */
export function parseWorkloadProfile(text: string, source: string): WorkloadProfile {
  const refused = notAProfile(text);
  if (refused) throw new WorkloadProfileError(source, [], `${source}: ${refused}`);
  // Brackets inside strings count too: an over-estimate that only a pathological profile reaches.
  if (nestingDepth(text) > MAX_NESTING) {
    throw new WorkloadProfileError(source, [
      {
        field: '',
        line: 1,
        column: 1,
        message: `the document is nested more than ${MAX_NESTING} levels deep; a workload profile needs about 5`,
      },
    ]);
  }
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  } catch (error) {
    throw new WorkloadProfileError(source, [
      { field: '', line: 1, column: 1, message: `cannot read the document: ${(error as Error).message}` },
    ]);
  }
  const map = new ProfileSourceMap(doc, lineCounter, text);

  if (doc.errors.length > 0) {
    throw new WorkloadProfileError(
      source,
      doc.errors.map((error) => ({
        field: formatFieldPath(map.pathAt(error.pos[0])),
        ...map.position(error.pos[0]),
        message: `syntax error: ${error.message}`,
      })),
    );
  }
  if (doc.contents === null) {
    throw new WorkloadProfileError(source, [
      { field: '', line: 1, column: 1, message: 'the profile is empty: expected a mapping with name and templates' },
    ]);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    // e.g. an alias (*name) with no anchor, or an alias bomb past the alias limit.
    const message = (error as Error).message;
    const reason =
      /alias/i.test(message) && /count|resource|exhaust/i.test(message)
        ? `it expands its aliases (*name) too many times (more than ${MAX_ALIASES}); a profile needs few or none`
        : message;
    throw new WorkloadProfileError(source, [{ field: '', line: 1, column: 1, message: `cannot read the document: ${reason}` }]);
  }

  const result = WorkloadProfileSchema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues
    .flatMap(narrowUnion)
    .flatMap((issue) => toProfileIssues(issue, data, map))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  throw new WorkloadProfileError(source, issues);
}

/** Reads and parses the profile at `path`. */
export async function loadWorkloadProfile(path: string): Promise<WorkloadProfile> {
  let text: string;
  try {
    // Refused before reading: a profile given a disk image or a log file must not fill the memory.
    const info = await stat(path);
    if (!info.isFile() && !info.isDirectory()) {
      // /dev/zero or a FIFO would be read forever.
      throw new WorkloadProfileError(path, [], `${path}: ${NOT_A_PROFILE}: it is not a regular file (a device, FIFO or socket)`);
    }
    if (info.size > MAX_PROFILE_BYTES) {
      throw new WorkloadProfileError(path, [], `${path}: ${NOT_A_PROFILE}: it is ${mib(info.size)}; a workload profile is at most 1 MiB`);
    }
    const bytes = await readFile(path);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new WorkloadProfileError(
        path,
        [],
        `${path}: ${NOT_A_PROFILE}: it is not UTF-8 text (binary data, or another encoding: save it as UTF-8)`,
      );
    }
  } catch (error) {
    if (error instanceof WorkloadProfileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? `workload profile not found at ${resolve(path)}. Check the path, or start from assets/workloads/demo.yaml`
        : code === 'EISDIR'
          ? `${resolve(path)} is a directory; pass the path of a .yaml or .json workload profile inside it`
          : `cannot read workload profile ${resolve(path)}: ${(error as Error).message}`;
    throw new WorkloadProfileError(path, [], `${path}: ${reason}`);
  }
  await loadSqlCheck();
  return parseWorkloadProfile(text, path);
}

/**
 * A union such as "an integer or { query }" reports one vague issue. When exactly one
 * branch matched the value's shape (its issues are about fields inside it), that
 * branch's issues say what is actually wrong.
 */
function narrowUnion(issue: ZodIssue): ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const shapeMatched = issue.errors.filter((branch) =>
    branch.every((inner) => inner.path.length > 0 || inner.code === 'unrecognized_keys'),
  );
  if (shapeMatched.length !== 1) return [issue];
  return shapeMatched[0]!.flatMap((inner) => narrowUnion({ ...inner, path: [...issue.path, ...inner.path] }));
}

function toProfileIssues(issue: ZodIssue, data: unknown, map: ProfileSourceMap): WorkloadProfileIssue[] {
  const path = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: formatFieldPath([...path, key]),
      ...map.keyPosition(path, key),
      message: issue.message,
    }));
  }
  const { present, value } = valueAt(data, path);
  const sqlOffset: unknown = issue.code === 'custom' ? issue.params?.['sqlOffset'] : undefined;
  const position =
    typeof sqlOffset === 'number' && typeof value === 'string' ? map.positionInString(path, value, sqlOffset) : map.positionOf(path);
  return [{ field: formatFieldPath(path), ...position, message: messageFor(issue, present, value) }];
}

function messageFor(issue: ZodIssue, present: boolean, value: unknown): string {
  // Custom rules already quote what they found.
  if (issue.code === 'custom') return issue.message;
  if (!present) return `is required (${issue.message})`;
  // Lists and strings: the message says how long it was (the value itself may be huge).
  const aboutLength =
    (issue.code === 'too_small' || issue.code === 'too_big') &&
    (Array.isArray(value) || (typeof value === 'string' && issue.code === 'too_big'));
  return aboutLength ? issue.message : `${issue.message}, got ${describeValue(value)}`;
}

function valueAt(data: unknown, path: readonly PathSegment[]): { present: boolean; value: unknown } {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return { present: false, value: undefined };
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return { present: true, value: current };
}
