// A module of its own, importing nothing: the CLI's help text quotes both figures without loading the latency recorder
// or the engine (which runs the settle: main/engine/optimize-runner.ts).

/**
 * Seconds of traffic a before/after measurement reads (Optimize, an index build). A window of w seconds holds r × w
 * requests of a template run at r requests/s, and their p95 is about the (r × w / 20)-th slowest: the window is long
 * enough that the p95 of the slowest-rate template is not just its one or two slowest requests (the demo's rates:
 * docs/measurements.md).
 */
export const MEASUREMENT_WINDOW_S = 30;

/**
 * How long the workload runs on a change before "after" is measured: 20 s for the build's after-effects to pass
 * (checkpoint writes, plans re-made, the plan selector re-learning its costs inflate the p95 of the first seconds
 * after a build, against what the same indexes read a minute later: docs/measurements.md), then the measured window.
 */
export const DEFAULT_SETTLE_MS = 20_000 + MEASUREMENT_WINDOW_S * 1000 + 1000;
