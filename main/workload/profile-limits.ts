/**
 * The bounds of a workload profile: each number, list and string a profile may hold, and the file itself.
 * A profile is written by hand (or generated), so anything past these is a mistake or an attack, and is
 * refused with the field and the limit rather than exhausting memory or the event loop.
 */

export { MAX_WORKLOAD_RATE } from '../contract/commands.ts';
/** A template's relative weight: enough for any ratio, far from where a sum of weights loses precision. */
export const MAX_WEIGHT = 1_000_000;
/** Largest Zipf exponent: past this nearly every draw is rank 1 already. */
export const MAX_ZIPF_EXPONENT = 10;
/** timestampAgo seconds: 100 Julian years, well inside what a Date and PostgreSQL's timestamptz hold. */
export const MAX_SECONDS_AGO = 3_155_760_000;
export const MAX_TEMPLATES = 1_000;
export const MAX_PARAMS = 100;
export const MAX_CHOICE_VALUES = 10_000;
export const MAX_SQL_CHARACTERS = 100_000;
export const MAX_TEXT_CHARACTERS = 10_000;
/** How deep collections may nest: a valid profile needs 5 levels. */
export const MAX_NESTING = 64;
/** The YAML package's own default, kept explicit: aliases expanded in one document before it is refused. */
export const MAX_ALIASES = 100;
/** The file: a large real profile is a few kilobytes. */
export const MAX_PROFILE_BYTES = 1024 * 1024;
