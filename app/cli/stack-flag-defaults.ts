/**
 * The defaults of the stack options that `serve`, `start` and `optimize` share, in one place: commander's option
 * definitions (and so `--help`) and the desktop window's launch without options read them, so they cannot drift.
 * A leaf module: main.ts imports it for the help text without loading any engine code.
 */

/** Demo chunks seeded into the local stack (with their graph edges, about 800,000 rows). */
export const DEFAULT_DEMO_CHUNKS = 200_000;

/** The L1 cache's memory budget, MiB; changeable in the console. */
export const DEFAULT_CACHE_L1_MIB = 128;
