import type { MemoryInterval, MemoryStatusPayload } from '../../main/contract/memory.ts';
import { formatBytes, formatCount, formatMs, formatShare } from '../format/units.ts';

const percent = (value: number) => `${Math.round(value)}%`;

/**
 * The newest reading in a few lines, each figure with its unit: where pressure stands and on what it is decided,
 * the engine process, the machine, and the local stack's servers (their memory is not the engine's, but it
 * competes for the same machine).
 */
export function MemoryNow({ memory, status }: { memory: MemoryInterval | null; status: MemoryStatusPayload | null }) {
  return (
    <dl className="memory-now" data-testid="memory-now">
      {memory ? (
        <Reading memory={memory} />
      ) : (
        <div>
          <dt>Reading</dt>
          <dd>None yet: the memory manager reads every 2 s.</dd>
        </div>
      )}
      {status && (
        <div>
          <dt>Cleanups</dt>
          <dd data-testid="memory-cleanup-counts">
            {formatCount(status.cleanups.moderate)} moderate and {formatCount(status.cleanups.aggressive)} aggressive since the engine
            started
            {status.backgroundPaused && '; background work is paused'}
            {!status.gcExposed &&
              '; V8 collections cannot be requested (the engine runs without --expose-gc), so a cleanup relies on V8 to collect by itself'}
          </dd>
        </div>
      )}
    </dl>
  );
}

function Reading({ memory }: { memory: MemoryInterval }) {
  const { process, machine, eventLoop } = memory;
  const machineUsed = machine.totalBytes - machine.availableBytes;
  const source = memory.usageSource === 'budget' ? 'RSS against the budget' : 'the machine’s memory in use';
  return (
    <>
      <div>
        <dt>Pressure</dt>
        <dd data-testid="memory-level">
          <strong>{memory.level}</strong> at {formatShare(memory.usage)} usage ({source}; budget {formatBytes(memory.budgetBytes)})
        </dd>
      </div>
      <div>
        <dt>Engine process</dt>
        <dd>
          RSS {formatBytes(process.rssBytes)}, heap {formatBytes(process.heapUsedBytes)} of {formatBytes(process.heapLimitBytes)}, external{' '}
          {formatBytes(process.externalBytes)}; L1 cache {memory.l1Bytes === null ? 'none' : formatBytes(memory.l1Bytes)}; CPU{' '}
          {percent(process.cpuPercent)} (100% = one core); event-loop delay p99 {formatMs(eventLoop.delayP99Ms)},{' '}
          {formatShare(eventLoop.utilization)} busy
        </dd>
      </div>
      <div>
        <dt>Machine</dt>
        <dd>
          {formatBytes(machineUsed)} of {formatBytes(machine.totalBytes)} in use (
          {formatShare(machine.totalBytes > 0 ? machineUsed / machine.totalBytes : 0)}); CPU{' '}
          {machine.cpuLoadPercent === null ? 'not readable here' : percent(machine.cpuLoadPercent)} of {formatCount(machine.cores)} cores
        </dd>
      </div>
      {memory.children.length > 0 && (
        <div>
          <dt>Local stack</dt>
          <dd>
            {memory.children
              .map(
                (c) =>
                  `${c.name} RSS ${c.rssBytes === null ? 'unknown' : formatBytes(c.rssBytes)}, CPU ${c.cpuPercent === null ? 'unknown' : percent(c.cpuPercent)}`,
              )
              .join('; ')}
          </dd>
        </div>
      )}
    </>
  );
}
