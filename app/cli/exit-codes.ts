/**
 * The exit codes of every `hotpath` command, documented in the README so that scripts can tell them apart.
 * Usage errors (an unknown option, a bad value) exit 1 as commander reports them; so does any command that fails.
 */
export const EXIT_OK = 0;
/** The command failed (or was used wrongly): nothing it was asked to change was changed by it. */
export const EXIT_FAILURE = 1;
/** Some of the work was done and some failed (e.g. optimize built one index of three): look at the summary. */
export const EXIT_PARTIAL = 2;

export interface StepOutcome {
  id: string;
  status: 'done' | 'failed' | 'cancelled' | 'skipped';
}

/**
 * The exit code of an applied plan and, when it is not 0, the summary line that goes to stderr. A cancelled step
 * counts as not done: the operator asked for it and did not get it.
 */
export function stepsExit(steps: readonly StepOutcome[]): { code: number; summary: string | null } {
  const notDone = steps.filter((s) => s.status === 'failed' || s.status === 'cancelled');
  if (notDone.length === 0) return { code: EXIT_OK, summary: null };
  const done = steps.filter((s) => s.status === 'done').length;
  const failed = notDone.filter((s) => s.status === 'failed').length;
  const cancelled = notDone.length - failed;
  const what = [
    failed > 0 ? `${failed} of ${steps.length} steps failed` : '',
    cancelled > 0 ? `${cancelled} of ${steps.length} cancelled` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const which = notDone.map((s) => s.id).join(', ');
  return {
    code: done > 0 ? EXIT_PARTIAL : EXIT_FAILURE,
    summary: `${what}${done > 0 ? ` (${done} done)` : ''}: ${which}. Each step's message above says why.`,
  };
}
