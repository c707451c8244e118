// A module of its own, importing nothing: the CLI's help text quotes it without loading the latency recorder.

/**
 * Seconds of traffic a before/after measurement reads (Optimize, an index build). Ten seconds hold 20 requests of a
 * template at 2 requests/s (the demo's hybrid templates), whose p95 is then the second slowest of them; thirty
 * hold 60, whose p95 is the fourth slowest.
 */
export const MEASUREMENT_WINDOW_S = 30;
