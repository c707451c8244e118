/**
 * Zipf-distributed ranks: P(k) ∝ 1/k^s for k in 1..n. Used for key popularity, where
 * a few keys are hot and most are cold.
 *
 * Rejection-inversion (W. Hörmann, G. Derflinger, "Rejection-inversion to generate
 * variates from monotone discrete distributions", 1996), as in Apache Commons RNG:
 * O(1) expected time (about 1.1 uniforms per draw) and O(1) memory for any n, where a
 * CDF table would cost O(n) memory and O(log n) per draw for ranges of millions of ids.
 */
import type { Random } from '../util/random.ts';

/** Returns a sampler of ranks 1..n (1 is the most frequent) with exponent s > 0. */
export function createZipfSampler(n: number, exponent: number, random: Random): () => number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`Zipf range size must be a positive integer, got ${n}`);
  if (!Number.isFinite(exponent) || exponent <= 0) throw new RangeError(`Zipf exponent must be greater than 0, got ${exponent}`);

  // H is an integral of h(x) = x^-s; h(k) bounds the mass of rank k from above.
  const hIntegral = (x: number): number => {
    const logX = Math.log(x);
    return expm1OverX((1 - exponent) * logX) * logX;
  };
  const h = (x: number): number => Math.exp(-exponent * Math.log(x));
  const hIntegralInverse = (x: number): number => {
    // Clamp: rounding can push t just below -1, where log1p is undefined.
    const t = Math.max(-1, x * (1 - exponent));
    return Math.exp(log1pOverX(t) * x);
  };

  const hIntegralX1 = hIntegral(1.5) - 1;
  const hIntegralN = hIntegral(n + 0.5);
  // Ranks within `squeeze` of the inverse are accepted without evaluating h.
  const squeeze = 2 - hIntegralInverse(hIntegral(2.5) - h(2));

  return () => {
    for (;;) {
      const u = hIntegralN + random() * (hIntegralX1 - hIntegralN);
      const x = hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > n) k = n;
      if (k - x <= squeeze || u >= hIntegral(k + 0.5) - h(k)) return k;
    }
  };
}

/** log(1+x)/x, accurate near 0 (where s = 1 makes the naive form 0/0). */
function log1pOverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** (e^x − 1)/x, accurate near 0. */
function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}
