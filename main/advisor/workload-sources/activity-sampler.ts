import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { ADVISOR_MARKER } from '../advisor-marker.ts';
import { loadSqlParser } from '../../sql/pg-parser.ts';
import { statementKey } from './statement-key.ts';

/** How often pg_stat_activity is read while sampling: often enough that a statement of a few hundred ms is seen. */
export const SAMPLE_INTERVAL_MS = 100;

/** A statement seen running, with the role that ran it (so it is planned as that role, planning-roles.ts). */
export interface SampledStatement {
  query: string;
  /** Samples it was seen running in: its weight, in proportion to the time spent in it. */
  calls: number;
  /** samples × the interval: roughly the time spent in it while sampling. */
  totalMs: number;
  source: string;
  /** pg_stat_activity's usesysid of the backends that ran it. */
  userIds: string[];
}

export interface ActivitySample {
  statements: SampledStatement[];
  /** Polls made. */
  polls: number;
  /** Backend samples whose text the session may not see (other roles' without pg_read_all_stats). */
  hidden: number;
}

const WHAT_RUNS = `${ADVISOR_MARKER} SELECT a.query, a.usesysid::text AS user_id
   FROM pg_catalog.pg_stat_activity a
  WHERE a.datid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
    AND a.pid <> pg_catalog.pg_backend_pid() AND a.state = 'active' AND a.backend_type = 'client backend'
    AND a.query <> ''`;

const HIDDEN_TEXT = '<insufficient privilege>';

/**
 * The statements that run in this database, sampled from pg_stat_activity for `seconds` (as dexter does without
 * pg_stat_statements): every SAMPLE_INTERVAL_MS, the active client backends' current statement (not this
 * session's, not idle ones, not the advisor's own). A statement seen in more samples took more time, so its sample
 * count is its weight. Each read is its own statement, so each sees the activity of that moment. Texts are as the
 * server shows them: cut at track_activity_query_size, then they do not parse and the capture says so.
 */
export async function sampleActivity(client: pg.Client, seconds: number, signal?: AbortSignal): Promise<ActivitySample> {
  const byText = new Map<string, { samples: number; userIds: Set<string> }>();
  let polls = 0;
  let hidden = 0;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until && !signal?.aborted) {
    const { rows } = await client.query<{ query: string; user_id: string | null }>(WHAT_RUNS);
    polls++;
    for (const row of rows) {
      if (row.query === HIDDEN_TEXT) {
        hidden++;
        continue;
      }
      if (row.query.includes(ADVISOR_MARKER)) continue;
      const seen = byText.get(row.query) ?? { samples: 0, userIds: new Set<string>() };
      seen.samples++;
      if (row.user_id !== null) seen.userIds.add(row.user_id);
      byText.set(row.query, seen);
    }
    await sleep(SAMPLE_INTERVAL_MS, undefined, signal ? { signal } : {}).catch(() => undefined);
  }
  // The same statement with other constants is one statement: grouped by statementKey.
  const parser = await loadSqlParser();
  const byShape = new Map<string, SampledStatement>();
  for (const [text, seen] of byText) {
    const key = statementKey(parser, text);
    const group = byShape.get(key) ?? { query: text.trim(), calls: 0, totalMs: 0, source: 'pg_stat_activity', userIds: [] };
    group.calls += seen.samples;
    group.totalMs += seen.samples * SAMPLE_INTERVAL_MS;
    group.userIds = [...new Set([...group.userIds, ...seen.userIds])];
    byShape.set(key, group);
  }
  return { statements: [...byShape.values()].sort((a, b) => b.calls - a.calls), polls, hidden };
}
