import { useMemo } from 'react';
import { useTelemetry } from '../app/console-context.ts';
import { evaluateSlos } from '../slo/slo-evaluation.ts';
import { SloTile } from './slo-tile.tsx';

/** The seed's success metrics, live, pass or fail against the newest second of the workload. */
export function SloTiles() {
  const latest = useTelemetry((s) => s.latestWorkload);
  const cache = useTelemetry((s) => s.latestCache);
  const pool = useTelemetry((s) => s.latestPool);
  const results = useMemo(() => evaluateSlos(latest, cache, pool), [latest, cache, pool]);
  return (
    <section className="slo-tiles" aria-labelledby="slo-heading" data-testid="slo-tiles">
      <h2 id="slo-heading" className="section-title">
        Targets <span className="section-title__note">last second of the workload</span>
      </h2>
      <ul className="slo-tiles__list">
        {results.map((slo) => (
          <SloTile key={slo.id} slo={slo} />
        ))}
      </ul>
    </section>
  );
}
