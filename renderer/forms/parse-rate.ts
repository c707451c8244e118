/** The engine accepts up to this many requests per second (the contract's limit). */
export const MAX_RATE = 1_000_000;

export type RateInput = { ok: true; rate: number | null } | { ok: false; message: string };

/**
 * Reads the target-rate field. Blank means "the profile's own rate" when `optional`
 * (starting a workload); a change of rate needs a number.
 */
export function parseRate(text: string, optional: boolean): RateInput {
  const trimmed = text.trim().replace(/[,_\s]/g, '');
  if (trimmed === '') {
    return optional ? { ok: true, rate: null } : { ok: false, message: 'Enter a target rate in requests per second.' };
  }
  const rate = Number(trimmed);
  if (!Number.isFinite(rate)) return { ok: false, message: `"${text.trim()}" is not a number: enter requests per second, e.g. 500.` };
  if (rate <= 0) return { ok: false, message: 'The target rate must be more than 0 req/s.' };
  if (rate > MAX_RATE) return { ok: false, message: `The target rate can be at most ${MAX_RATE.toLocaleString('en-US')} req/s.` };
  return { ok: true, rate };
}
