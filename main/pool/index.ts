/** The connection pool manager's public surface (the engine imports from here). */
export { PoolManager, type PoolManagerOptions } from './pool-manager.ts';
export { PooledConnection, type QueryConfig, type CallOptions } from './pooled-connection.ts';
export { PoolGroup, type PoolGroupOptions } from './pool-group.ts';
export { PoolError, isPoolError, isConnectionError, type PoolErrorCode } from './pool-errors.ts';
export { LANES, DEFAULT_LANE_POLICY, laneCaps, type Lane, type LanePolicy, type LaneCaps, type LaneCounts } from './lanes.ts';
export { computePoolSize, type PoolSize, type ServerConnectionFacts } from './pool-sizing.ts';
export { computeSessionSettings, SETTING_KEYS, type SessionSettings, type SettingKey, type ServerMemoryFacts } from './session-settings.ts';
export type { PoolSnapshot, PoolCounters, LatencyFigures } from './pool-metrics.ts';
export type { LeakReport } from './leak-detector.ts';
export { Gradient2Limit, type Gradient2Options } from './adaptive-limit.ts';
