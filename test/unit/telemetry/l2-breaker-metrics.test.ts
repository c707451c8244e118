import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../main/telemetry/prometheus-metrics.ts';
import { expositionProblems, parseExposition } from '../../support/prometheus-text.ts';

const stateLine = (text: string, state: string) =>
  new RegExp(`^hotpath_l2_breaker_state\\{state="${state}"\\} (\\d)$`, 'm').exec(text)?.[1];

describe('PrometheusMetrics: the Redis breaker', () => {
  it('shows the state as a 0/1 gauge per state and counts errors and short-circuited calls', async () => {
    const metrics = new PrometheusMetrics(() => null);
    metrics.observeL2({ breakerState: 'closed', errors: 0, shortCircuited: 0 });
    let text = await metrics.text();
    expect([stateLine(text, 'closed'), stateLine(text, 'open'), stateLine(text, 'half_open')]).toEqual(['1', '0', '0']);
    expect(text).toMatch(/^hotpath_l2_errors_total 0$/m);

    metrics.observeL2({ breakerState: 'open', errors: 5, shortCircuited: 40 });
    metrics.observeL2({ breakerState: 'half-open', errors: 1, shortCircuited: 2 });
    text = await metrics.text();
    expect([stateLine(text, 'closed'), stateLine(text, 'open'), stateLine(text, 'half_open')]).toEqual(['0', '0', '1']);
    expect(text).toMatch(/^hotpath_l2_errors_total 6$/m);
    expect(text).toMatch(/^hotpath_l2_short_circuited_total 42$/m);
    expect(parseExposition(text).get('hotpath_l2_breaker_state')?.type).toBe('gauge');
    expect(parseExposition(text).get('hotpath_l2_errors_total')?.type).toBe('counter');
    expect(expositionProblems(text)).toEqual([]);
  });

  it('has no state series without a Redis (disconnected, or a stack without one)', async () => {
    const metrics = new PrometheusMetrics(() => null);
    metrics.observeL2({ breakerState: 'open', errors: 1, shortCircuited: 0 });
    metrics.observeL2(null);
    const text = await metrics.text();
    expect(text).not.toMatch(/^hotpath_l2_breaker_state\{/m);
    expect(text).toMatch(/^hotpath_l2_errors_total 1$/m);
  });
});
