import { describe, expect, it } from 'vitest';
import { isAbsolute } from 'node:path';
import { DEMO_PROFILE_PATH, loadDemoProfile } from '../../../main/workload/demo-profile.ts';

describe('the demo profile', () => {
  it('lives at an absolute path resolved from the module, not the working directory', () => {
    expect(isAbsolute(DEMO_PROFILE_PATH)).toBe(true);
    expect(DEMO_PROFILE_PATH).toMatch(/assets[\\/]workloads[\\/]demo\.yaml$/);
  });

  it('parses, with the query classes and a mix of mostly key lookups whose scans still decide the p95', async () => {
    const profile = await loadDemoProfile();
    expect(profile.name).toBe('demo');
    expect(profile.rate).toBe(200);
    const byName = new Map(profile.templates.map((t) => [t.name, t]));
    expect([...byName.keys()]).toEqual(['chunk_by_id', 'graph_neighbours', 'recent_by_origin', 'session_timeline', 'time_range_count']);
    const total = profile.templates.reduce((sum, t) => sum + t.weight, 0) + profile.hybrid.reduce((sum, t) => sum + t.weight, 0);
    const scans = ['recent_by_origin', 'session_timeline', 'time_range_count'].reduce((sum, n) => sum + byName.get(n)!.weight, 0);
    // More than 5% of requests scan, so the overall p95 before Optimize is a scan's latency, as the index advisor's
    // goal assumes; few enough per second (about 50 ms of a core each) for the default rate on 2 cores (demo.yaml).
    expect(scans / total).toBeGreaterThan(0.05);
    expect((profile.rate! * scans) / total).toBeLessThanOrEqual(15);
    expect(byName.get('chunk_by_id')!.params[0]).toMatchObject({
      kind: 'int',
      distribution: 'zipf',
      max: { query: 'SELECT max(id) FROM unified.chunks' },
    });
    expect(byName.get('recent_by_origin')!.params[0]).toMatchObject({ kind: 'sample', distribution: 'zipf' });
    expect(byName.get('session_timeline')!.params[0]).toMatchObject({ kind: 'sample', distribution: 'zipf' });
    // Windows are anchored to the seeded data's end, so old demo data still has recent rows.
    expect(byName.get('recent_by_origin')!.params[1]).toMatchObject({
      kind: 'sample',
      query: expect.stringContaining('unified.seed_state'),
    });
    expect(byName.get('time_range_count')!.params[0]).toMatchObject({ kind: 'int', min: { query: expect.stringContaining('90 days') } });
  });

  it('caches the two point lookups and none of the scans (the index advisor must see their cost)', async () => {
    const profile = await loadDemoProfile();
    expect(profile.templates.filter((t) => t.cache).map((t) => [t.name, t.cache!.ttlSeconds])).toEqual([
      ['chunk_by_id', 3600],
      ['graph_neighbours', 3600],
    ]);
  });
});
