import type { z } from 'zod';

/** Long enough to recognise a field; short enough that a hostile key cannot make the error reply huge. */
const MAX_PART_CHARS = 80;
/** The first few problems say what to fix; listing thousands (a huge array of bad items) says nothing more. */
const MAX_ISSUES = 5;

function clip(text: string): string {
  return text.length > MAX_PART_CHARS ? `${text.slice(0, MAX_PART_CHARS)}…(${text.length} characters)` : text;
}

/** Turns a zod failure into one readable sentence naming each bad field, bounded in length whatever the input. */
export function describeZodError(error: z.ZodError): string {
  const described = error.issues
    .slice(0, MAX_ISSUES)
    .map((issue) => `${issue.path.length > 0 ? clip(issue.path.map(String).join('.')) : '(params)'}: ${clip(issue.message)}`);
  const more = error.issues.length - MAX_ISSUES;
  return described.join('; ') + (more > 0 ? `; and ${more} more` : '');
}
