import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SCAN_SCRIPT = fileURLToPath(new URL('./electronegativity-scan.ts', import.meta.url));

export interface Finding {
  id: string;
  severity: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH';
  confidence: string;
  /** Relative to the scanned folder; "N/A" for whole-application (global) checks. */
  file: string;
  location: string;
  sample: string;
  description: string;
}

/**
 * Scans a folder with electronegativity (offline, see electronegativity-scan.ts) and returns
 * its findings. The scanner exits 0 whatever it finds, so the JSON it leaves is what counts; a file
 * it could not parse fails the scan, so that unreadable code never passes as "no findings".
 */
export async function scanWithElectronegativity(dir: string): Promise<Finding[]> {
  const out = await mkdtemp(join(tmpdir(), 'hotpath-electronegativity-'));
  try {
    const json = join(out, 'findings.json');
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SCAN_SCRIPT, dir, json], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const unparsed = stderr.split('\n').filter((line) => line.startsWith('error: '));
    if (unparsed.length > 0) throw new Error(`electronegativity could not parse:\n${unparsed.join('\n')}`);
    return JSON.parse(await readFile(json, 'utf8')) as Finding[];
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
