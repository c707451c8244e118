import { ContractError } from '../../main/contract/api.ts';
import { clusterRedisUrl, parseRedisNodeList, sentinelRedisUrl, StackError } from '../../main/stack/index.ts';

/**
 * `--redis-sentinels host:port,… --redis-master NAME` and `--redis-cluster host:port,…`: the stack's Redis as a
 * Sentinel-managed master or a Cluster, instead of --redis URL. They become the equivalent redis+sentinel:// or
 * redis+cluster:// URL (parseRedisUrl reads both), so the password sources (--redis-password-file, REDISCLI_AUTH),
 * stack.connect, saved profiles and the console's Redis field all take one form. `--redis-tls` makes them
 * rediss+sentinel:// or rediss+cluster:// (TLS to every server, the sentinels too), trusting the system's CAs;
 * certificate files are URL parameters, so a private CA or client certificate takes the URL form:
 * --redis 'rediss+cluster://r1:6379,r2:6379?tls_ca=/etc/redis/ca.pem'.
 */
export interface RedisTopologyFlags {
  redis?: string;
  redisSentinels?: string;
  redisMaster?: string;
  redisCluster?: string;
  redisTls?: boolean;
}

const SENTINEL_PORT = 26379;
const CLUSTER_PORT = 6379;

function bad(message: string, hint: string): ContractError {
  return new ContractError('bad-arguments', message, hint);
}

/** host:port lists, refused with the flag's name and an example. */
function nodes(flag: string, text: string, defaultPort: number, example: string): ReturnType<typeof parseRedisNodeList> {
  try {
    return parseRedisNodeList(text, defaultPort, `Give ${flag} as host:port pairs separated by commas, e.g. ${flag} ${example}.`);
  } catch (error) {
    if (!(error instanceof StackError)) throw error;
    throw bad(
      `${flag} ${JSON.stringify(text)} is not a list of host:port: ${error.message.replace(/^The Redis URL is not valid: /, '')}`,
      error.hint,
    );
  }
}

/** Combinations that cannot work, refused before anything starts (also reads the lists, so a typo fails here). */
export function checkRedisTopologyFlags(flags: RedisTopologyFlags & { local?: boolean }): void {
  const given = [
    flags.redis !== undefined ? '--redis' : null,
    flags.redisSentinels !== undefined ? '--redis-sentinels' : null,
    flags.redisCluster !== undefined ? '--redis-cluster' : null,
  ].filter((flag): flag is string => flag !== null);
  if (given.length > 1)
    throw bad(
      `Choose one way to reach Redis: ${given.join(' and ')} were both given.`,
      'Use --redis URL for one server, --redis-sentinels with --redis-master for a Sentinel-managed master, or --redis-cluster for a Cluster.',
    );
  if (flags.redisSentinels !== undefined && flags.redisMaster === undefined)
    throw bad(
      '--redis-sentinels needs --redis-master: the name the sentinels monitor the master by.',
      'Add --redis-master NAME (the name in the sentinels\' "sentinel monitor NAME host port quorum" line; SENTINEL MASTERS lists it).',
    );
  if (flags.redisMaster !== undefined && flags.redisSentinels === undefined)
    throw bad('--redis-master needs --redis-sentinels.', 'Add --redis-sentinels host:port,… with the sentinels that watch that master.');
  if (flags.redisMaster !== undefined && flags.redisMaster.trim() === '')
    throw bad('--redis-master is empty.', 'Give the name the sentinels monitor the master by, e.g. --redis-master mymaster.');
  if (flags.local && (flags.redisSentinels !== undefined || flags.redisCluster !== undefined))
    throw bad(
      `${flags.redisSentinels !== undefined ? '--redis-sentinels' : '--redis-cluster'} is for your own stack, with --pg.`,
      'The local demo stack starts its own redis-server: drop --local and give --pg URL.',
    );
  if (flags.redisTls && flags.redisSentinels === undefined && flags.redisCluster === undefined)
    throw bad(
      '--redis-tls is for --redis-sentinels or --redis-cluster.',
      flags.redis !== undefined
        ? 'With --redis, say TLS in the URL: rediss://host:6379 (certificates as ?tls_ca=/path/ca.pem&tls_cert=…&tls_key=…).'
        : 'Add --redis-sentinels (with --redis-master) or --redis-cluster, or give --redis rediss://host:6379.',
    );
  if (flags.redisSentinels !== undefined) nodes('--redis-sentinels', flags.redisSentinels, SENTINEL_PORT, '10.0.0.1:26379,10.0.0.2:26379');
  if (flags.redisCluster !== undefined) nodes('--redis-cluster', flags.redisCluster, CLUSTER_PORT, '10.0.0.1:6379,10.0.0.2:6379');
}

/** The one Redis URL the flags name (--redis as given), or undefined without a Redis. Call checkRedisTopologyFlags first. */
export function redisUrlOfFlags(flags: RedisTopologyFlags): string | undefined {
  if (flags.redisSentinels !== undefined && flags.redisMaster !== undefined)
    return sentinelRedisUrl(
      nodes('--redis-sentinels', flags.redisSentinels, SENTINEL_PORT, '10.0.0.1:26379,10.0.0.2:26379'),
      flags.redisMaster.trim(),
      flags.redisTls === true,
    );
  if (flags.redisCluster !== undefined)
    return clusterRedisUrl(
      nodes('--redis-cluster', flags.redisCluster, CLUSTER_PORT, '10.0.0.1:6379,10.0.0.2:6379'),
      flags.redisTls === true,
    );
  return flags.redis;
}
