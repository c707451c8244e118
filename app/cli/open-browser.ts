import { spawn } from 'node:child_process';

/**
 * Asks the desktop to open a URL. Best effort: on a server or in CI there is no desktop,
 * and the printed URL is what the user opens. Returns the opener's process id (the dedicated
 * core leaves it alone), or null when there is nothing to open it with.
 */
export function openInBrowser(url: string): number | null {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return null;
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
    return child.pid ?? null;
  } catch {
    return null;
  }
}
