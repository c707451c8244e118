import { expect } from 'vitest';
import { WorkloadProfileError, loadSqlCheck, parseWorkloadProfile } from '../../../main/workload/profile-loader.ts';

// Profile parsing checks SQL with PostgreSQL's parser, which loads once (WebAssembly).
await loadSqlCheck();

export interface ExpectedIssue {
  field: string;
  line: number;
  column?: number;
  message: RegExp;
}

/** Parses `text`, expects a WorkloadProfileError, and checks that one of its issues matches. */
export function expectProfileIssue(text: string, expected: ExpectedIssue, source = 'test.yaml'): WorkloadProfileError {
  let caught: unknown;
  try {
    parseWorkloadProfile(text, source);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WorkloadProfileError);
  const error = caught as WorkloadProfileError;
  const issue = error.issues.find((candidate) => candidate.field === expected.field && expected.message.test(candidate.message));
  expect(issue, `no issue for ${expected.field} matching ${expected.message}; got:\n${error.message}`).toBeDefined();
  expect(issue!.line).toBe(expected.line);
  if (expected.column !== undefined) expect(issue!.column).toBe(expected.column);
  // The message shows file:line:column: field: … for this issue.
  expect(error.message).toContain(`${source}:${issue!.line}:${issue!.column}: ${expected.field ? `${expected.field}: ` : ''}`);
  return error;
}

/** A valid profile to break one line at a time. */
export const VALID_PROFILE = `name: shop
rate: 100
templates:
  - name: order_by_id
    weight: 10
    sql: SELECT * FROM orders WHERE id = $1
    params:
      - kind: int
        min: 1
        max: 1000
`;
