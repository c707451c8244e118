/** The snapshot history and the Prometheus metrics. */
export { PrometheusMetrics } from './prometheus-metrics.ts';
export { TelemetryHistory } from './telemetry-history.ts';
