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

/** Splits electronegativity's CSV: fields may be quoted, with "" for a quote and newlines inside. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

/**
 * Scans a folder with electronegativity (offline, see electronegativity-scan.ts) and returns
 * its findings. The scanner exits 0 whatever it finds, so its CSV is what counts; a file it
 * could not parse fails the scan, so that unreadable code never passes as "no findings".
 */
export async function scanWithElectronegativity(dir: string): Promise<Finding[]> {
  const out = await mkdtemp(join(tmpdir(), 'hotpath-electronegativity-'));
  try {
    const csv = join(out, 'findings.csv');
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SCAN_SCRIPT, dir, csv], { maxBuffer: 16 * 1024 * 1024 });
    const unparsed = stderr.split('\n').filter((line) => line.startsWith('error: '));
    if (unparsed.length > 0) throw new Error(`electronegativity could not parse:\n${unparsed.join('\n')}`);
    const [header, ...rows] = parseCsv(await readFile(csv, 'utf8'));
    if (!header || header[0] !== 'issue') throw new Error(`unexpected electronegativity output: ${String(header)}`);
    return rows.map(([id = '', severity = '', confidence = '', file = '', location = '', sample = '', description = '']) => ({
      id,
      severity: severity as Finding['severity'],
      confidence,
      file,
      location,
      sample,
      description,
    }));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
