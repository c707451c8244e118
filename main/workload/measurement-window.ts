// A module of its own, importing nothing: the CLI's help text quotes it without loading the latency recorder.

/**
 * Seconds of traffic a before/after measurement reads (Optimize, an index build). A window of w seconds holds r × w
 * requests of a template run at r requests/s, and their p95 is about the (r × w / 20)-th slowest: the window is long
 * enough that the p95 of the slowest-rate template is not just its one or two slowest requests (the demo's rates:
 * docs/measurements.md).
 */
export const MEASUREMENT_WINDOW_S = 30;
