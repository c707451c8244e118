// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, render, screen } from '@testing-library/react';
import type { CacheStatusPayload } from '../../../main/contract/cache.ts';
import { CacheTiers } from '../../../renderer/components/cache-tiers.tsx';

afterEach(cleanup);

function status(l2: CacheStatusPayload['l2']): CacheStatusPayload {
  return {
    enabled: true,
    tiers: [
      { tier: 'l1', location: 'memory, 128 MiB', available: true },
      { tier: 'l2', location: 'redis+sentinel://127.0.0.1:26379/mymaster', available: l2?.breakerState !== 'open' },
    ],
    l1: null,
    cachedTemplates: [],
    hotKeys: 0,
    ...(l2 ? { l2 } : {}),
  };
}

describe('cache tiers: the Redis breaker', () => {
  it('says how Redis is reached, the breaker state and the failures since connect', () => {
    render(
      createElement(CacheTiers, {
        status: status({
          breakerState: 'open',
          breakerTransitions: 3,
          errors: 1204,
          shortCircuited: 56_000,
          lastError: 'connect ECONNREFUSED 127.0.0.1:6380',
          topology: 'sentinel',
        }),
      }),
    );
    expect(screen.getByTestId('cache-l2-health').textContent).toBe(
      'Redis (master found through Sentinel): breaker open (reads skip Redis and go to the next tier or the database); since connect ' +
        '1,204 failed calls, 56,000 skipped while open, 3 breaker changes. Last error: connect ECONNREFUSED 127.0.0.1:6380',
    );
  });

  it('shows nothing about Redis for a stack without one', () => {
    render(createElement(CacheTiers, { status: status(undefined) }));
    expect(screen.queryByTestId('cache-l2-health')).toBeNull();
  });
});
