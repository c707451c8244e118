/** Where the databases come from: local and remote stacks, connection URLs, passwords, secret masking. */
export { defaultDataDir, prepareDataDir } from './local/data-dir.ts';
export { startLocalStack } from './local/local-stack.ts';
export { isKeywordDsn, keywordDsnToUrl } from './pg-keyword-dsn.ts';
export { defaultPgUser, resolvePgPassword } from './pg-password-sources.ts';
export { maskPgUrl, parsePgUrl } from './pg-url.ts';
export { redisUrlHasPassword, withRedisPassword } from './redis-password-sources.ts';
export { clusterRedisUrl, maskRedisUrl, parseRedisNodeList, parseRedisUrl, redisTopologyOf, sentinelRedisUrl } from './redis-url.ts';
export { readRedisTls, type RedisTlsOptions } from './redis-tls.ts';
export { connectRemoteStack } from './remote/remote-stack.ts';
export { isSecretKey, maskConnectionString, maskSecretsInText } from './secret-mask.ts';
export { noPasswordGiven, StackError } from './stack-errors.ts';
export { isCacheTierNotice } from './stack.ts';
export type { Stack, StackReplica } from './stack.ts';
export type { RedisNodeAddress, RedisTlsFiles, RedisTopology } from './stack.ts';
