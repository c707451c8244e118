/**
 * Picks which template the next request runs, in proportion to the templates'
 * weights. Called once per request, so it is O(1) (alias method).
 */
import type { Random } from '../util/random.ts';
import { createAliasSampler } from './alias-sampler.ts';

/** Returns a picker of template indexes 0..weights.length-1, each with probability weight / sum. */
export function createTemplatePicker(weights: readonly number[], random: Random): () => number {
  if (weights.length === 0) throw new RangeError('A workload needs at least one template to pick from.');
  weights.forEach((weight, index) => {
    // Profiles are validated already; this guards callers that build weights by hand.
    if (!Number.isFinite(weight) || weight <= 0) {
      throw new RangeError(`Template ${index} has weight ${weight}; weights must be numbers greater than 0.`);
    }
  });
  return createAliasSampler(weights, random);
}
