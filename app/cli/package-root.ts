import { fileURLToPath } from 'node:url';

/**
 * The package's root folder (package.json, out/, assets/). This module sits two folders below it both in the
 * sources (app/cli/) and in the build (dist/cli/, see tools/cli.vite.config.ts), so one relative URL serves both.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
