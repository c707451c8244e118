import type { ConnectionTest } from '../../main/contract/profiles.ts';
import { formatServerVersion } from '../format/units.ts';

interface ConnectionTestResultProps {
  result: ConnectionTest;
  redisAsked: boolean;
}

/** What "Test connection" found: the server, its extensions, and anything worth knowing. */
export function ConnectionTestResult({ result, redisAsked }: ConnectionTestResultProps) {
  return (
    <div className="test-result" role="status" data-testid="connection-test-result">
      <p className="test-result__ok">
        Connection works: PostgreSQL {formatServerVersion(result.serverVersion)}
        {' · '}
        {result.pgStatStatements ? 'pg_stat_statements available' : 'pg_stat_statements not available'}
        {redisAsked && ` · Redis ${result.redis ? 'reachable' : 'not reachable'}`}
        {result.l3 && ` · object store ${result.l3.reachable ? 'reachable' : 'not reachable'}`}
      </p>
      {result.l3 && !result.l3.reachable && (
        <p className="test-result__l3">
          {result.l3.location}: {result.l3.message}
        </p>
      )}
      {result.notices.length > 0 && (
        <ul className="test-result__notices">
          {result.notices.map((notice) => (
            <li key={notice.code}>
              <p>{notice.message}</p>
              <p className="field__help">{notice.hint}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
