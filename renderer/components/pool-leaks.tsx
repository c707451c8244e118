import type { PoolStatusPayload } from '../../main/contract/pool.ts';
import { formatAge } from '../format/units.ts';

/** Connections held longer than the leak threshold, with the stack of the code that took each. */
export function PoolLeaks({ leaks }: { leaks: PoolStatusPayload['leaks'] }) {
  if (leaks.length === 0)
    return (
      <p className="field__help" data-testid="pool-leaks">
        No connection is held longer than the leak threshold (60 s).
      </p>
    );
  return (
    <ul className="pool-leaks" data-testid="pool-leaks">
      {leaks.map((leak, i) => (
        <li key={i}>
          <details>
            <summary>
              Held for {formatAge(leak.heldMs)} on the {leak.lane} lane
            </summary>
            <pre>{leak.stack}</pre>
          </details>
        </li>
      ))}
    </ul>
  );
}
