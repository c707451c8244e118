import type { CacheStatusPayload } from '../../main/contract/cache.ts';
import { formatCount, formatShare } from '../format/units.ts';

const TIER_NAMES = { l1: 'L1 memory', l2: 'L2 Redis', l3: 'L3 object store' } as const;
const MiB = 1024 * 1024;

/** What the cache is made of: each tier and where it lives, how full the L1 is, what is cached and for how long. */
export function CacheTiers({ status }: { status: CacheStatusPayload }) {
  const l1 = status.l1;
  return (
    <div className="cache-tiers" data-testid="cache-tiers">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Tier</th>
            <th scope="col">Where</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {status.tiers.map((tier) => (
            <tr key={tier.tier} data-testid={`cache-tier-${tier.tier}`}>
              <th scope="row">{TIER_NAMES[tier.tier]}</th>
              <td className="data-table__name">{tier.location}</td>
              <td>
                {tier.available ? (
                  <span className="tag tag--good">available</span>
                ) : (
                  <span className="tag tag--bad" title="Its circuit breaker is open: reads skip it until it answers again.">
                    unreachable
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {status.l2 && <RedisHealth l2={status.l2} />}
      {l1 && (
        <p className="cache-tiers__usage" data-testid="cache-l1-usage">
          L1 holds <strong>{(l1.bytes / MiB).toFixed(1)} MiB</strong> of{' '}
          {(l1.maxBytes / MiB).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB (
          {formatShare(l1.maxBytes > 0 ? l1.bytes / l1.maxBytes : 0)}) in {formatCount(l1.entries)} entries.
        </p>
      )}
      <p className="field__help">
        {status.cachedTemplates.length > 0
          ? `Cached templates: ${status.cachedTemplates.map((t) => `${t.template} (${formatTtl(t.ttlMs)})`).join(', ')}. `
          : 'No running workload reads through the cache. '}
        {formatCount(status.hotKeys)} hot keys known from recent traffic.
      </p>
    </div>
  );
}

const TOPOLOGY_NAMES = { standalone: 'one server', sentinel: 'master found through Sentinel', cluster: 'Cluster' } as const;
const BREAKER_TEXT = {
  closed: 'closed (calls go to Redis)',
  open: 'open (reads skip Redis and go to the next tier or the database)',
  'half-open': 'half-open (one probe call decides)',
} as const;

/** The Redis behind L2 and the invalidation bus: its circuit breaker and the failures since connect. */
function RedisHealth({ l2 }: { l2: NonNullable<CacheStatusPayload['l2']> }) {
  return (
    <p className="field__help" data-testid="cache-l2-health">
      Redis{l2.topology ? ` (${TOPOLOGY_NAMES[l2.topology]})` : ''}: breaker {BREAKER_TEXT[l2.breakerState]}; since connect{' '}
      {formatCount(l2.errors)} failed calls, {formatCount(l2.shortCircuited)} skipped while open, {formatCount(l2.breakerTransitions)}{' '}
      breaker changes.{l2.lastError ? ` Last error: ${l2.lastError}` : ''}
    </p>
  );
}

function formatTtl(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}
