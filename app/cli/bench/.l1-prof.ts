// temporary profiling driver (deleted at the end)
import { L1Cache } from '../../../main/cache/l1/l1-cache.ts';
import { LRUCache } from 'lru-cache';
import { zipfRanks } from './cache-throughput-bench.ts';
const which = process.argv[2] ?? 'all';
const kind = process.argv[3] ?? 'string';
const cap = 10_000, n = 1_000_000;
const name = kind === 'string' ? (i: number) => `key:${i}` : (i: number) => i;
const fill = Array.from({ length: cap }, (_, i) => name(i));
const hits = zipfRanks(cap, n, 0.99, 7).map((r) => fill[r]!);
const fresh = Array.from({ length: n }, (_, i) => name(cap + i));
const mixed = zipfRanks(10 * cap, n, 0.99, 17).map((r) => name(r));
const mk = process.env.LIB === 'lru' ? () => new LRUCache<string | number, number>({ max: cap }) as unknown as L1Cache<string | number, number> : () => new L1Cache<string | number, number>({ maxBytes: cap, sizeOf: () => 1, expectedEntries: cap, adaptive: process.env.ADAPT !== "0" });
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const best: Record<string, number> = {};
for (let rep = 0; rep < Number(process.env.REPS ?? 8); rep++) {
  const out: string[] = [];
  if (which === 'all' || which === 'gets') {
    const c = mk(); for (let i = 0; i < cap; i++) c.set(fill[i]!, i);
    const t = cpu(); let h = 0;
    for (let i = 0; i < n; i++) if (c.get(hits[i]!) !== undefined) h++;
    out.push(`gets ${(n / (cpu() - t) / 1000).toFixed(2)}M/s`);
  }
  if (which === 'all' || which === 'sets') {
    const c = mk(); for (let i = 0; i < cap; i++) c.set(fill[i]!, i);
    const t = cpu();
    for (let i = 0; i < n; i++) c.set(fresh[i]!, i);
    out.push(`sets ${(n / (cpu() - t) / 1000).toFixed(2)}M/s`);
  }
  if (which === 'all' || which === 'mixed') {
    const c = mk(); const t = cpu(); let h = 0;
    for (let i = 0; i < n; i++) { const k = mixed[i]!; if (c.get(k) !== undefined) h++; else c.set(k, i); }
    out.push(`mixed ${(n / (cpu() - t) / 1000).toFixed(2)}M/s hit ${(100 * h / n).toFixed(2)}`);
  }
  for (const o of out) { const [k, v] = o.split(' '); best[k!] = Math.max(best[k!] ?? 0, parseFloat(v!)); }
}
console.log(kind, Object.entries(best).map(([k, v]) => `${k} ${v.toFixed(2)}`).join('  '));
