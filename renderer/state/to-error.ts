/** Whatever a promise rejected with, as an Error (keeping an EngineCallError's code and hint). */
export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The `hint` of an engine error, when it has one. */
export function hintOf(error: Error): string | undefined {
  const hint = (error as { hint?: unknown }).hint;
  return typeof hint === 'string' && hint.length > 0 ? hint : undefined;
}

/** The stable `code` of an engine error, when it has one. */
export function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
