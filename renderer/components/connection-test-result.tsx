import type { ConnectionTest } from '../../main/contract/profiles.ts';
import { formatServerVersion } from '../format/units.ts';

interface ConnectionTestResultProps {
  result: ConnectionTest;
  redisAsked: boolean;
}

type ReplicaResult = NonNullable<ConnectionTest['replicas']>[number];

/** One replica's line: a standby and its version, a server that is no standby, or why it cannot be used. */
function ReplicaLine({ replica }: { replica: ReplicaResult }) {
  if (replica.error) {
    return (
      <li className="test-result__replica test-result__replica--failed" data-testid={`replica-${replica.name}`}>
        <p>
          {replica.name} ({replica.displayUrl}): not usable. {replica.error.message}
        </p>
        <p className="field__help">{replica.error.hint}</p>
      </li>
    );
  }
  const version = replica.serverVersion === null ? '' : `PostgreSQL ${formatServerVersion(replica.serverVersion)}, `;
  return (
    <li className="test-result__replica" data-testid={`replica-${replica.name}`}>
      {replica.name} ({replica.displayUrl}): {version}
      {replica.inRecovery ? 'a standby (in recovery)' : 'not in recovery (accepts writes: not a standby)'}
    </li>
  );
}

/** What "Test connection" found: the server, its extensions, each read replica, and anything worth knowing. */
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
      {result.replicas && result.replicas.length > 0 && (
        <ul className="test-result__replicas" aria-label="Read replicas">
          {result.replicas.map((replica) => (
            <ReplicaLine key={replica.name} replica={replica} />
          ))}
        </ul>
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
