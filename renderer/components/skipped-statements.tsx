import type { AdvisorReportPayload } from '../../main/contract/advisor.ts';

type Skipped = AdvisorReportPayload['skipped'][number];

/** Characters of a statement shown on its line; the rest is behind the hover title and the expander. */
const SHORT_CHARS = 120;
/** Up to this many the list starts open; a longer one starts collapsed so the history and findings stay in view. */
const OPEN_UP_TO = 5;

/** The statement on one line (pg_stat_statements keeps the caller's newlines and indentation), cut to SHORT_CHARS. */
export function shortenStatement(query: string): { text: string; cut: boolean } {
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return oneLine.length <= SHORT_CHARS
    ? { text: oneLine, cut: false }
    : { text: `${oneLine.slice(0, SHORT_CHARS - 1).trimEnd()}…`, cut: true };
}

function SkippedStatement({ statement }: { statement: Skipped }) {
  const { text, cut } = shortenStatement(statement.query);
  const line = (
    <code className="skipped__query" data-testid="skipped-query" title={statement.query}>
      {text}
    </code>
  );
  return (
    <li className="skipped__item">
      {cut ? (
        <details className="skipped__expander">
          <summary>{line}</summary>
          <pre className="skipped__full" data-testid="skipped-query-full">
            {statement.query}
          </pre>
        </details>
      ) : (
        line
      )}
      <p className="skipped__reason">{statement.reason}</p>
    </li>
  );
}

/**
 * The statements the advisor did not plan (another role's it may not plan as, ones the parser or the planner
 * refused, texts hidden from this role), each with why: with the proposals, every captured statement is accounted
 * for, as `hotpath optimize` prints "Not analyzed (N)".
 */
export function SkippedStatements({ skipped }: { skipped: readonly Skipped[] }) {
  if (skipped.length === 0) return null;
  return (
    <details className="card skipped" data-testid="advisor-skipped" open={skipped.length <= OPEN_UP_TO}>
      <summary className="section-title skipped__summary">
        <h2 className="skipped__title">Not analyzed ({skipped.length})</h2>
        <span className="section-title__note">statements the advisor did not plan, and why; no proposal accounts for them</span>
      </summary>
      <ul className="skipped__list">
        {skipped.map((s, i) => (
          <SkippedStatement key={i} statement={s} />
        ))}
      </ul>
    </details>
  );
}
