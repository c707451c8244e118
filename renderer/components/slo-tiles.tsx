import { useMemo } from 'react';
import { sloTileViews } from '../slo/slo-tile-view.ts';
import { useSloReport } from '../slo/use-slo-report.ts';
import { SloTile } from './slo-tile.tsx';
import { SloWindowSelector } from './slo-window-selector.tsx';

/**
 * The seed's success metrics, sustained: the engine's verdict on each over the chosen window (pass only when every
 * second of the full window passed), the newest second's value and the worst second in the window.
 */
export function SloTiles() {
  const { report, chooseWindow } = useSloReport();
  const tiles = useMemo(() => sloTileViews(report), [report]);
  return (
    <section className="slo-tiles" aria-labelledby="slo-heading" data-testid="slo-tiles">
      <h2 id="slo-heading" className="section-title">
        Targets{' '}
        <span className="section-title__note">
          each must hold for every second of the window (memory and CPU: the window&apos;s mean, as the seed asks them sustained); the
          workload&apos;s seconds count after its warm-up
        </span>
      </h2>
      <SloWindowSelector selected={report?.windowSeconds ?? null} onChoose={chooseWindow} />
      {report === null ? (
        <p className="section-title__note" data-testid="slo-tiles-loading">
          Waiting for the engine&apos;s first verdicts.
        </p>
      ) : (
        <ul className="slo-tiles__list">
          {tiles.map((tile) => (
            <SloTile key={tile.id} slo={tile} />
          ))}
        </ul>
      )}
    </section>
  );
}
