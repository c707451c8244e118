// A module of its own, importing only the measured window: the CLI's help text quotes it without loading the engine.
import { MEASUREMENT_WINDOW_S } from '../../workload/index.ts';

/**
 * How long the workload runs on a change before "after" is measured: 20 s for the build's after-effects to pass
 * (checkpoint writes, plans re-made, the plan selector re-learning its costs: the first 10 s after five demo builds
 * read 1–5 ms at p95 where the same indexes read 0.6–0.7 ms a minute later), then the measured window.
 */
export const DEFAULT_SETTLE_MS = 20_000 + MEASUREMENT_WINDOW_S * 1000 + 1000;
