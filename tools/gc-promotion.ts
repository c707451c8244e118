/**
 * How fast a process promotes objects to V8's old generation, read from its `--trace-gc-nvp` output: for the
 * isolate that collected first (the main thread's, there from the start; each worker thread is an isolate of its own),
 * or the one named, the bytes promoted per second, the young-generation
 * collections and the full collections, per window. A measurement, not a test:
 *
 *   node --trace-gc-nvp dist/cli/hotpath.js serve --local --workload demo --rate 10000 --pool-size 32 > serve.log
 *   npx tsx tools/gc-promotion.ts serve.log 60 [isolate, e.g. 0x1b8b8a10]
 *
 * Objects promoted and then dropped are what full collections are for: a steady promotion rate is a steady rate of
 * full collections (ARCHITECTURE.md, "Garbage the young generation cannot free").
 */
import { readFileSync } from 'node:fs';

interface Collection {
  isolate: string;
  atMs: number;
  kind: string;
  promoted: number;
}

const [file, windowArg = '60', named] = process.argv.slice(2);
if (file === undefined) {
  console.error('Usage: npx tsx tools/gc-promotion.ts <--trace-gc-nvp output> [window seconds, default 60] [isolate, e.g. 0x1b8b8a10]');
  process.exit(2);
}
const windowMs = Number(windowArg) * 1000;
if (!(windowMs > 0)) {
  console.error(`The window must be a number of seconds above 0; got "${windowArg}".`);
  process.exit(2);
}

// "[pid:isolate]   1234 ms: pause=1.2 … gc=s … promoted=1449552 …"
const line = /^\[\d+:(0x[0-9a-f]+)\]\s+(\d+) ms: (.*)$/;
const collections: Collection[] = [];
for (const text of readFileSync(file, 'utf8').split('\n')) {
  const match = line.exec(text);
  if (!match) continue;
  const fields = new Map(match[3]!.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
  const kind = fields.get('gc');
  if (kind === undefined) continue;
  collections.push({ isolate: match[1]!, atMs: Number(match[2]), kind, promoted: Number(fields.get('promoted') ?? 0) });
}

const isolate = named ?? collections[0]?.isolate;
if (isolate === undefined) {
  console.error(`No collections in ${file}: was the process started with --trace-gc-nvp?`);
  process.exit(1);
}

const windows = new Map<number, { scavenges: number; promoted: number; full: number }>();
for (const c of collections) {
  if (c.isolate !== isolate) continue;
  const at = Math.floor(c.atMs / windowMs);
  const w = windows.get(at) ?? { scavenges: 0, promoted: 0, full: 0 };
  if (c.kind === 's') {
    w.scavenges += 1;
    w.promoted += c.promoted;
  } else if (c.kind === 'mc') w.full += 1;
  windows.set(at, w);
}
console.log(`isolate ${isolate}; window ${windowArg} s (the last one may be partial)`);
console.log('from s\tscavenges\tpromoted MB/s\tfull collections');
for (const [at, w] of [...windows].sort((a, b) => a[0] - b[0])) {
  console.log(`${(at * windowMs) / 1000}\t${w.scavenges}\t${(w.promoted / 1e6 / (windowMs / 1000)).toFixed(2)}\t${w.full}`);
}
