import { describe, expect, it } from 'vitest';
import { PRIOR_WEIGHT, ShapeEvidence } from '../../../main/planner/shape-evidence.ts';
import type { PlanPrediction } from '../../../main/planner/latency-model.ts';

const prior = (mean: number, spread = 0.5): (PlanPrediction | null)[] => [
  { mean, spread },
  { mean, spread },
  null,
  { mean, spread },
  { mean, spread },
];
const refine = (evidence: ShapeEvidence, shape: number, p = prior(Math.log(10))) => evidence.refine(shape, p, new Array(5).fill(null));

describe('per-shape evidence refining the forest', () => {
  it('leaves the prior alone for a shape or plan without measurements, and a plan the forest does not know unknown', () => {
    const evidence = new ShapeEvidence(10);
    evidence.record(2, 0, 1);
    evidence.record(1, 2, 1);
    const out = refine(evidence, 1);
    expect(out[0]).toEqual({ mean: Math.log(10), spread: 0.5 });
    expect(out[2]).toBeNull();
  });

  it('moves toward the measured mean as measurements accumulate, with a narrowing spread', () => {
    const evidence = new ShapeEvidence(10);
    evidence.record(1, 0, 2);
    const once = refine(evidence, 1)[0]!;
    expect(once.mean).toBeCloseTo((PRIOR_WEIGHT * Math.log(10) + Math.log(2)) / (PRIOR_WEIGHT + 1), 10);
    for (let i = 0; i < 20; i += 1) evidence.record(1, 0, i % 2 === 0 ? 1.8 : 2.2);
    const many = refine(evidence, 1)[0]!;
    expect(Math.exp(many.mean)).toBeGreaterThan(1.8);
    expect(Math.exp(many.mean)).toBeLessThan(3);
    expect(many.spread).toBeLessThan(once.spread);
    // Plan 1 has no measurements of its own on this shape: still the prior.
    expect(refine(evidence, 1)[1]!.mean).toBe(Math.log(10));
  });

  it('follows a drifting latency: old measurements lose weight', () => {
    const evidence = new ShapeEvidence(10);
    for (let i = 0; i < 200; i += 1) evidence.record(1, 0, 1);
    for (let i = 0; i < 60; i += 1) evidence.record(1, 0, 20);
    expect(Math.exp(refine(evidence, 1)[0]!.mean)).toBeGreaterThan(10);
  });

  it('keeps at most its capacity of shapes, dropping the least recently used', () => {
    const evidence = new ShapeEvidence(2);
    evidence.record(10, 0, 1);
    evidence.record(11, 0, 1);
    evidence.record(12, 0, 1);
    expect(refine(evidence, 10)[0]!.mean).toBe(Math.log(10));
    expect(refine(evidence, 12)[0]!.mean).not.toBe(Math.log(10));
  });

  it('records into the live entry of a shape just refined, also when other shapes come and go in between', () => {
    const after = (n: number) => (PRIOR_WEIGHT * Math.log(10) + n * Math.log(2)) / (PRIOR_WEIGHT + n);
    const evidence = new ShapeEvidence(2);
    evidence.record(1, 0, 2);
    evidence.record(2, 0, 2);
    refine(evidence, 1); // 1 most recent: inserting 3 evicts 2
    evidence.record(3, 0, 2);
    evidence.record(1, 0, 2);
    expect(refine(evidence, 1)[0]!.mean).toBeCloseTo(after(2), 10);
    expect(refine(evidence, 2)[0]!.mean).toBe(Math.log(10)); // evicted
    // Refined, then evicted by two new shapes: its next measurement starts a fresh entry.
    refine(evidence, 1);
    evidence.record(4, 0, 2);
    evidence.record(5, 0, 2);
    evidence.record(1, 0, 2);
    expect(refine(evidence, 1)[0]!.mean).toBeCloseTo(after(1), 10);
    evidence.clear();
    evidence.record(1, 0, 2);
    expect(refine(evidence, 1)[0]!.mean).toBeCloseTo(after(1), 10);
  });
});
