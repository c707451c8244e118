import { readFileSync } from 'node:fs';

/**
 * package.json, two folders up: from the sources (main/telemetry/) as from the builds (dist/cli/, out/main/), the
 * layout app/cli/main.ts relies on for `--version` too.
 */
const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

export interface BuildInfo {
  /** Hotpath's version (package.json), or "unknown" where the file cannot be read. */
  version: string;
  /** The Node.js version running the engine, without the leading "v". */
  node: string;
}

/** What `hotpath_build_info` reports; read once per engine, not per scrape. */
export function readBuildInfo(): BuildInfo {
  let version = 'unknown';
  try {
    const parsed = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown };
    if (typeof parsed.version === 'string') version = parsed.version;
  } catch {
    // A host that moved the file still serves its metrics; the label says the version is unknown.
  }
  return { version, node: process.versions.node };
}
