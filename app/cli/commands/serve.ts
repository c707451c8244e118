import { Engine } from '../../../main/engine/index.ts';
import { createHeadlessCipher } from '../../../main/profiles/index.ts';
import { startHeadlessServer, type HeadlessServer } from '../../server/headless-server.ts';
import { printProgress } from '../progress-printer.ts';
import { onShutdownSignal } from '../shutdown-signals.ts';
import { onFatalError } from '../fatal-errors.ts';
import { openInBrowser } from '../open-browser.ts';
import { takeEnvironmentPasswords } from '../password-options.ts';
import type { DedicatedCore } from '../../../main/util/thread-affinity.ts';
import { takeDedicatedCore } from '../dedicated-core.ts';
import { bringUpStack, checkStackFlags, engineSettings, type StackFlags } from '../stack-startup.ts';

export interface ServeOptions extends StackFlags {
  port: number;
  /** Open the console in the default browser once it is served. */
  openBrowser?: boolean;
  /** false with --no-dedicated-core: the engine's thread shares the CPUs with the process's other threads. */
  dedicatedCore: boolean;
}

/**
 * `hotpath serve`: the headless host. The HTTP server comes up first, so `/healthz`
 * answers (503) while the stack starts and the demo data is seeded.
 */
export async function serve(options: ServeOptions): Promise<void> {
  checkStackFlags(options);
  // Before the engine exists: from here on, a stack.connect to any host can no longer be sent these.
  const environmentPasswords = takeEnvironmentPasswords();
  const engine = new Engine({ ...engineSettings(options), secretCipher: createHeadlessCipher(process.env) });
  printProgress(engine);
  let server: HeadlessServer | null = null;
  let dedicatedCore: DedicatedCore | null = null;
  let shuttingDown: Promise<void> | null = null;
  // Installed before anything starts: a signal during start-up stops what has started
  // (the engine waits for a stack still starting) instead of leaving it behind.
  const shutdown = (quiet = false) =>
    (shuttingDown ??= (async () => {
      if (!quiet) process.stderr.write('Stopping Hotpath…\n');
      await server?.close();
      await engine.stop();
      await dedicatedCore?.stop();
      if (!quiet) process.stderr.write('Stopped; every process it started has exited.\n');
    })());
  onShutdownSignal(() => shutdown());
  onFatalError(() => shutdown());

  try {
    server = await startHeadlessServer({
      engine,
      port: options.port,
      ...(process.env.HOTPATH_TOKEN ? { token: process.env.HOTPATH_TOKEN } : {}),
    });
    process.stdout.write(`Hotpath listening on ${server.url}  (health: ${server.url}/healthz, metrics: ${server.url}/metrics)\n`);
    process.stdout.write(`Contract WebSocket: ${server.wsUrl}\n`);
    if (server.consoleUrl) {
      process.stdout.write(`Console: ${server.consoleUrl}\n`);
      if (options.openBrowser && !openInBrowser(server.consoleUrl))
        process.stdout.write('(No desktop browser to open here: open the console URL above.)\n');
    } else {
      process.stdout.write('The console UI is not built (npm run build:renderer); the engine runs without it.\n');
    }

    const say = (line: string) => process.stdout.write(`${line}\n`);
    if ((await bringUpStack(engine, options, environmentPasswords, say)) === 'not-connected') {
      say('Not connected yet: choose a stack in the console.');
      return;
    }
    dedicatedCore = await takeDedicatedCore(options.dedicatedCore, say);
    process.stdout.write(`Hotpath is ready. Press Ctrl+C to stop.\n`);
  } catch (error) {
    // A signal during start-up makes the pending step fail; its handler owns the exit.
    if (shuttingDown) return;
    // Start-up failed: stop what did start, quietly, so the error is the last word the user reads.
    await shutdown(true).catch(() => undefined);
    throw error;
  }
}
