/**
 * The error a malformed workload profile throws. Profiles are written by hand, so
 * every problem names the file, the line and column, and the field, the way a
 * compiler would: `demo.yaml:14:9: templates[2].weight: must be a number greater than 0, got "heavy"`.
 */

export interface WorkloadProfileIssue {
  /** Path of the offending field, e.g. `templates[2].params[0].max`; '' for the document itself. */
  field: string;
  /** 1-based position in the source text. */
  line: number;
  column: number;
  message: string;
}

/** How many issues the error message lists before summarising the rest. */
const LISTED_ISSUES = 20;

export function formatIssue(source: string, issue: WorkloadProfileIssue): string {
  return `${source}:${issue.line}:${issue.column}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`;
}

export class WorkloadProfileError extends Error {
  override readonly name = 'WorkloadProfileError';
  /** The file path (or label) the profile came from. */
  readonly source: string;
  /** Position and field of the first issue; undefined when the file could not be read at all. */
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly field: string | undefined;
  /** Every issue found, in document order. Empty when the file could not be read. */
  readonly issues: readonly WorkloadProfileIssue[];

  constructor(source: string, issues: readonly WorkloadProfileIssue[], unreadable?: string) {
    const lines = issues.slice(0, LISTED_ISSUES).map((issue) => formatIssue(source, issue));
    if (issues.length > LISTED_ISSUES) lines.push(`… and ${issues.length - LISTED_ISSUES} more issues`);
    super(unreadable ?? lines.join('\n'));
    this.source = source;
    this.issues = issues;
    this.line = issues[0]?.line;
    this.column = issues[0]?.column;
    this.field = issues[0]?.field;
  }
}

/** A value as an error message shows it: strings quoted and cut short, containers by kind. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** `['templates', 2, 'params', 0, 'max']` → `templates[2].params[0].max`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}
