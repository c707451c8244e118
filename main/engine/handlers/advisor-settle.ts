// A module of its own, importing only the measured window: the CLI's help text quotes it without loading the engine.
import { MEASUREMENT_WINDOW_S } from '../../workload/index.ts';

/**
 * How long the workload runs on a change before "after" is measured: 20 s for the build's after-effects to pass
 * (checkpoint writes, plans re-made, the plan selector re-learning its costs inflate the p95 of the first seconds
 * after a build, against what the same indexes read a minute later: docs/measurements.md), then the measured window.
 */
export const DEFAULT_SETTLE_MS = 20_000 + MEASUREMENT_WINDOW_S * 1000 + 1000;
