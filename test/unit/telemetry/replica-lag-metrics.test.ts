import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../main/telemetry/prometheus-metrics.ts';
import { expositionProblems, parseExposition } from '../../support/prometheus-text.ts';

const series = (text: string, name: string) =>
  new Map((parseExposition(text).get(name)?.samples ?? []).map((s) => [s.labels.server!, s.value]));

describe('PrometheusMetrics: replica lag', () => {
  it('exposes hotpath_replica_lag_seconds/bytes{server} per replica, none for an unknown figure, set afresh each tick', async () => {
    const metrics = new PrometheusMetrics(() => null);
    metrics.observeReplicaLag(
      new Map([
        ['replica-1', { seconds: 0.25, bytes: 8192 }],
        ['replica-2', { seconds: null, bytes: 40 }],
      ]),
    );
    let text = await metrics.text();
    expect(expositionProblems(text)).toEqual([]);
    expect(parseExposition(text).get('hotpath_replica_lag_seconds')?.type).toBe('gauge');
    expect(series(text, 'hotpath_replica_lag_seconds')).toEqual(new Map([['replica-1', 0.25]]));
    expect(series(text, 'hotpath_replica_lag_bytes')).toEqual(
      new Map([
        ['replica-1', 8192],
        ['replica-2', 40],
      ]),
    );
    // Another stack with one replica: replica-2's series go.
    metrics.observeReplicaLag(new Map([['replica-1', { seconds: 3, bytes: 0 }]]));
    text = await metrics.text();
    expect(series(text, 'hotpath_replica_lag_seconds')).toEqual(new Map([['replica-1', 3]]));
    expect(series(text, 'hotpath_replica_lag_bytes')).toEqual(new Map([['replica-1', 0]]));
  });
});
