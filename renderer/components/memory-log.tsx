import type { MemoryActionPayload } from '../../main/contract/memory.ts';
import { formatAge, formatBytes, formatClock } from '../format/units.ts';
import { freedBy } from '../state/memory-series.ts';

const totalMs = (action: MemoryActionPayload) => action.steps.reduce((sum, step) => sum + step.tookMs, 0);
const took = (ms: number) => formatAge(Math.round(ms));

/**
 * The memory manager's recent actions, newest first: when, which level, who asked and why (with the figures the
 * engine gave), and each step with what it freed. Freed figures may be ~0 or negative: V8 returns pages later,
 * and the process may grow meanwhile; they are shown as measured.
 */
export function MemoryLog({ actions }: { actions: readonly MemoryActionPayload[] }) {
  if (actions.length === 0) {
    return (
      <p className="field__help" data-testid="memory-log">
        No cleanup yet: the manager acts when usage reaches a level's line, or when you ask.
      </p>
    );
  }
  return (
    <table className="data-table" data-testid="memory-log">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Action</th>
          <th scope="col">Why</th>
          <th scope="col">Steps: freed RSS, heap, time</th>
          <th scope="col">Freed in total</th>
        </tr>
      </thead>
      <tbody>
        {[...actions].reverse().map((action, i) => {
          const freed = freedBy(action);
          return (
            <tr key={`${action.at}-${i}`} data-testid="memory-log-entry">
              <td>{formatClock(action.at)}</td>
              <th scope="row" className="data-table__name">
                {action.level} {action.kind}, {action.trigger}
              </th>
              <td>{action.reason}</td>
              <td>
                <ul className="memory-log__steps">
                  {action.steps.map((step, j) => (
                    <li key={`${step.step}-${j}`} title={step.detail}>
                      {step.step} {step.status}: {formatBytes(step.freedBytes)} RSS, {formatBytes(step.freedHeapBytes)} heap,{' '}
                      {took(step.tookMs)}
                      {step.detail && <span className="memory-log__detail"> ({step.detail})</span>}
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                {formatBytes(freed.rssBytes)} RSS, {formatBytes(freed.heapBytes)} heap; took {took(totalMs(action))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
