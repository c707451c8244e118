import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Runs @doyensec/electronegativity's scanner on one folder and writes its findings as JSON:
 *   node --import tsx test/support/electronegativity-scan.ts <input-dir> <output.json>
 *
 * Not its own CSV writer: it writes the header and the rows with two un-awaited fs.writeFile calls ('w' then
 * 'a'), and under load the header's truncation can land last, leaving a CSV with no rows at all.
 *
 * Its own CLI (`npx electronegativity`) cannot start in this project: it relies on a hoisted
 * commander 2.x and gets our commander 14 (`program.version is not a function`). So this
 * calls the scanner the CLI calls (`dist/runner.js`) with the CLI's options, and keeps it
 * offline: its `got` (used to fetch translations and Electron's release list) is replaced by
 * one that fails at once, and the check that needs the release list is left out.
 */
const [input, output] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: electronegativity-scan.ts <input-dir> <output.json>\n');
  process.exit(2);
}

const requireHere = createRequire(import.meta.url);
const packageDir = dirname(requireHere.resolve('@doyensec/electronegativity/package.json'));
const requireFromPackage = createRequire(join(packageDir, 'dist', 'runner.js'));

const offline = (): Promise<never> => Promise.reject(new Error('electronegativity runs offline here'));
const gotPath = requireFromPackage.resolve('got');
requireFromPackage.cache[gotPath] = {
  id: gotPath,
  filename: gotPath,
  loaded: true,
  exports: Object.assign(offline, { default: offline }),
} as unknown as NodeModule;

// Its translations print "Could not retrieve updated translations" when offline; that line is noise.
const log = console.log;
console.log = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('Could not retrieve updated translations')) return;
  log(...args);
};

interface Issue {
  id: string;
  severity: { name: string };
  confidence: { name: string };
  file: string;
  location: { line: number; column: number };
  sample: string | null;
  description: string;
}
const run = requireFromPackage('./runner.js') as (
  options: Record<string, unknown>,
  forCli: boolean,
) => Promise<{ issues: Issue[]; errors: { file: string; message: string; tolerable: boolean }[] }>;
const electronVersion = (requireHere('electron/package.json') as { version: string }).version;

const result = await run(
  {
    input,
    output: undefined,
    isSarif: false,
    customScan: [],
    // Needs Electron's release list from the network; our Electron version is pinned in package.json.
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    severitySet: undefined,
    confidenceSet: undefined,
    isRelative: true,
    isVerbose: false,
    electronUpgrade: undefined,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  },
  false,
);
// Files it could not parse are reported, so that a scan that silently skipped our code fails.
for (const error of result.errors) process.stderr.write(`${error.tolerable ? 'warning' : 'error'}: ${error.file}: ${error.message}\n`);
const findings = result.issues.map((issue) => ({
  id: issue.id,
  severity: issue.severity.name,
  confidence: issue.confidence.name,
  file: issue.file,
  location: `${issue.location.line}:${issue.location.column}`,
  sample: issue.sample ?? '',
  description: issue.description,
}));
writeFileSync(output, JSON.stringify(findings));
process.stdout.write(`${result.issues.length} findings\n`);
