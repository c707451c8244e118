import { useMemo } from 'react';
import { useTelemetry } from '../app/console-context.ts';
import { evaluateSlos } from '../slo/slo-evaluation.ts';
import { SloTile } from './slo-tile.tsx';

/** The seed's success metrics, live: the workload's against its newest second, memory and CPU against the newest reading. */
export function SloTiles() {
  const latest = useTelemetry((s) => s.latestWorkload);
  const cache = useTelemetry((s) => s.latestCache);
  const pool = useTelemetry((s) => s.latestPool);
  const memory = useTelemetry((s) => s.latestMemory);
  const results = useMemo(() => evaluateSlos(latest, cache, pool, memory), [latest, cache, pool, memory]);
  return (
    <section className="slo-tiles" aria-labelledby="slo-heading" data-testid="slo-tiles">
      <h2 id="slo-heading" className="section-title">
        Targets <span className="section-title__note">last second of the workload; memory and CPU: the latest reading</span>
      </h2>
      <ul className="slo-tiles__list">
        {results.map((slo) => (
          <SloTile key={slo.id} slo={slo} />
        ))}
      </ul>
    </section>
  );
}
