/**
 * Reads a workload profile from YAML or JSON (YAML 1.2 reads JSON too) and validates
 * it, turning every problem into `file:line:column: field: message`.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { WorkloadProfileSchema, type WorkloadProfile } from './profile-schema.ts';
import { WorkloadProfileError, describeValue, formatFieldPath, type WorkloadProfileIssue } from './profile-error.ts';
import { ProfileSourceMap } from './profile-source-map.ts';

export { WorkloadProfileError, type WorkloadProfileIssue } from './profile-error.ts';

type ZodIssue = z.core.$ZodIssue;
type PathSegment = string | number;

/** Parses and validates a profile; `source` names it in errors (usually the file path). */
export function parseWorkloadProfile(text: string, source: string): WorkloadProfile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
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
    data = doc.toJS();
  } catch (error) {
    // e.g. an alias (*name) with no anchor, or an alias bomb past the alias limit.
    throw new WorkloadProfileError(source, [{ field: '', line: 1, column: 1, message: `cannot read the document: ${(error as Error).message}` }]);
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
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? `workload profile not found at ${resolve(path)}. Check the path, or start from assets/workloads/demo.yaml`
        : code === 'EISDIR'
          ? `${resolve(path)} is a directory; pass the path of a .yaml or .json workload profile inside it`
          : `cannot read workload profile ${resolve(path)}: ${(error as Error).message}`;
    throw new WorkloadProfileError(path, [], `${path}: ${reason}`);
  }
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
    typeof sqlOffset === 'number' && typeof value === 'string'
      ? map.positionInString(path, value, sqlOffset)
      : map.positionOf(path);
  return [{ field: formatFieldPath(path), ...position, message: messageFor(issue, present, value) }];
}

function messageFor(issue: ZodIssue, present: boolean, value: unknown): string {
  // Custom rules already quote what they found.
  if (issue.code === 'custom') return issue.message;
  if (!present) return `is required (${issue.message})`;
  const aboutLength = (issue.code === 'too_small' || issue.code === 'too_big') && Array.isArray(value);
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
